"""Drawing the debate page and a comment's own page, for the debate's views and their error
handlers (a refused comment or reply comes back on the page it was sent from)."""

from typing import Any

from flask import current_app, render_template, request, url_for
from flask_wtf import FlaskForm

from poll.database.column_types import utcnow
from poll.database.models import Poll
from poll.debate.appeals import my_comments
from poll.debate.comments import published_comment
from poll.debate.forms import AppealForm, CommentForm
from poll.debate.participation import Participation, participation
from poll.debate.reading import (
    MAX_SHOWN,
    SORTS,
    debate_view,
    parse_shown,
    parse_sort,
    thread_of,
)
from poll.debate.split import debate_split
from poll.voters.cookie import current_voter_id
from poll.web.dates import relative_time
from poll.web.languages import reader_locale
from poll.web.row_ids import row_id


def render_debate(
    part: Participation,
    form: CommentForm | None = None,
    status: int = 200,
    appeal_form: AppealForm | None = None,
    appeal_for: int | None = None,
    reply_form: CommentForm | None = None,
    reply_for: int | None = None,
):
    """The debate page; ``appeal_form`` with ``appeal_for`` brings a refused appeal back to its comment,
    ``reply_form`` with ``reply_for`` a refused reply."""
    poll = part.poll
    context = {
        **debate_reading(part, reply_form, reply_for),
        "poll": poll,
        "form": form or CommentForm(),
        "my_comments": my_comments(poll, part.voter_id),
        "appeal_form": appeal_form or AppealForm(formdata=None),
        "appeal_for": appeal_for,
        "is_open": poll.is_open(utcnow()),
    }
    return render_template("debate/debate.html", **context), status


def open_poll_of_request() -> Participation | None:
    """The open poll this request names, for an error handler (which must not abort in turn)."""
    now = utcnow()
    part = participation((request.view_args or {}).get("slug", ""), current_voter_id(), now)
    return part if part is not None and part.poll.is_open(now) else None


def debate_reading(part: Participation, reply_form=None, reply_for=None) -> dict:
    """The debate page's threads and split, as the address asks (?sort=, ?side=, ?shown=)."""
    now = utcnow()
    view = debate_view(
        part.poll,
        part.voter_id,
        now.date(),
        sort=parse_sort(request.args.get("sort")),
        side=request.args.get("side"),
        shown=parse_shown(request.args.get("shown"), current_app.config["COMMENTS_PER_PAGE"]),
    )
    return {
        "debate": view,
        "marks": view.marks,
        "my_marks": view.my_marks,
        "split": debate_split(part.poll, part.voter_id, now, view.sides, part.snapshot()),
        "sorts": SORTS,
        **comment_actions(part, now, reply_form, reply_for),
    }


def comment_actions(part: Participation, now, reply_form=None, reply_for=None) -> dict:
    """What _comment.html needs to show times, marks and reply forms."""
    return {
        "now": now,
        "ago": lambda then, now: relative_time(then, now, reader_locale()),
        "button_form": FlaskForm(),
        "voter_id": part.voter_id,
        "can_mark": part.can_mark,
        "replies_open": part.poll.is_open(now),
        "reply_form": reply_form,
        "reply_for": reply_for,
        # Said on the form, before anything is typed, not only after a refused post.
        "muted_until": part.muted_until,
    }


def back_to_debate(slug: str, anchor: str) -> str:
    """Where a mark or reply form came from: the comment's page, or the debate as it was sorted."""
    form = request.form
    back = row_id(form.get("back"))
    if back is not None:
        return url_for(".comment_page", slug=slug, comment_id=back, _anchor=anchor)
    args: dict[str, Any] = {"sort": form.get("sort") if form.get("sort") in SORTS else None}
    side = form.get("side", "")
    args["side"] = side if 0 < len(side) <= 40 else None
    shown = row_id(form.get("shown"))  # a count, read by the same rule as an id ("²" is no number)
    args["shown"] = min(shown, MAX_SHOWN) if shown is not None else None
    return url_for(".debate", slug=slug, _anchor=anchor, **{k: v for k, v in args.items() if v})


def render_comment_page(part: Participation, comment, status: int = 200, reply_form=None, reply_for=None):
    """A comment's page, ``comment`` highlighted; ``reply_form`` and ``reply_for``: a refused reply."""
    poll = part.poll
    thread, marks, mine = thread_of(poll, comment, part.voter_id)
    context = {"poll": poll, "thread": thread, "marks": marks, "my_marks": mine, "focus": comment.id}
    context.update(comment_actions(part, utcnow(), reply_form, reply_for))
    return render_template("debate/comment.html", **context), status


def reply_sent_from(poll: Poll, parent_id: int):
    """The comment whose own page a reply to ``parent_id`` was sent from (its form's ``back``), or None
    for the debate page. Only a page of this thread counts: the parent's, or one of its published
    replies'; anything else named there is the parent's page, so a form cannot send a reader elsewhere."""
    back = row_id(request.form.get("back"))
    if back is None:
        return None
    focus = published_comment(poll, back)
    if focus is not None and parent_id in (focus.id, focus.parent_id):
        return focus
    return published_comment(poll, parent_id)


def render_refused_reply(part: Participation, parent_id: int, form: CommentForm, status: int):
    """A refused reply back on the page it was sent from, its text kept and the reason beside it."""
    sent_from = reply_sent_from(part.poll, parent_id)
    if sent_from is None:
        return render_debate(part, status=status, reply_form=form, reply_for=parent_id)
    return render_comment_page(part, sent_from, status=status, reply_form=form, reply_for=parent_id)

"""The debate's pages: reading it, posting comments and replies, good points and appeals."""

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError

from poll.database.column_types import utcnow
from poll.database.models import COMMENT_APPROVED, Comment, Poll
from poll.debate.appeals import APPEALS_CLOSED, appeal_rejection, authors_comment
from poll.debate.comments import post_comment, published_comment, require_open_debate
from poll.debate.forms import AppealForm, CommentForm
from poll.debate.marks import toggle_mark
from poll.debate.pages import (
    back_to_debate,
    open_poll_of_request,
    render_comment_page,
    render_debate,
    render_refused_reply,
    reply_sent_from,
)
from poll.debate.participation import Participation, participation_or_404
from poll.debate.reading import reply_parent
from poll.debate.refused_posts import (
    comment_limit_message,
    comment_limits,
    form_expired_message,
    known_voter_rate_key,
    muted_message,
    refused_comment_form,
)
from poll.debate.status_links import comment_by_status_token, new_status_token
from poll.debate.tagging_queue import tags_inline
from poll.extensions import db, limiter, talisman
from poll.polls.vote_taking import poll_or_404
from poll.voters.cookie import current_voter_id, ensure_voter_id
from poll.voters.pseudonyms import ip_hash
from poll.web.errors import handle_csrf_error, handle_http_error

bp = Blueprint("debate", __name__)


def post_from_form(part: Participation, form: CommentForm, now: datetime, parent=None) -> tuple[Comment, str]:
    """Store the comment or reply a valid form holds, as this browser, tagged as the app is set to;
    with the token of its status link."""
    name = form.display_name.data or ""
    address = ip_hash(request.remote_addr)
    token, token_hash = new_status_token()
    inline = tags_inline()
    posted = post_comment(
        part.poll,
        ensure_voter_id(),
        form.body.data,
        name,
        address,
        now,
        parent=parent,
        tag_now=inline,
        author=part.author_choice,
        stance_head=part.stance_head if inline else None,
        status_token_hash=token_hash,
    )
    return posted, token


def posting_participation(slug: str, now: datetime) -> Participation:
    """The poll a comment or reply is posted to, with the poster's standing (and the stance head
    when comments are tagged in the request)."""
    return participation_or_404(slug, current_voter_id(), now, with_stance_head=tags_inline())


@bp.errorhandler(RateLimitExceeded)
def rate_limited(error: RateLimitExceeded):
    """A refused comment or reply comes back in its form with when to try again;
    other limits get the usual page."""
    part = open_poll_of_request() if request.endpoint == "debate.comment" else None
    if part is not None:
        return render_debate(part, form=refused_comment_form(comment_limit_message()), status=429)
    if request.endpoint == "debate.reply" and (part := open_poll_of_request()) is not None:
        form = refused_comment_form(comment_limit_message("reply"))
        return render_refused_reply(part, (request.view_args or {})["comment_id"], form, 429)
    return handle_http_error(error)


@bp.errorhandler(CSRFError)
def form_expired(error: CSRFError):
    """An expired comment or appeal form keeps what was typed; other forms get the error page."""
    part = open_poll_of_request()
    if part is not None and request.endpoint == "debate.comment":
        return render_debate(part, form=refused_comment_form(form_expired_message()), status=400)
    if part is not None and request.endpoint == "debate.reply":
        form = refused_comment_form(form_expired_message("reply"))
        return render_refused_reply(part, (request.view_args or {})["comment_id"], form, 400)
    if part is not None and request.endpoint == "debate.appeal":
        form = AppealForm()
        form.note.errors = [form_expired_message("appeal")]
        return render_debate(
            part, appeal_form=form, appeal_for=(request.view_args or {})["comment_id"], status=400
        )
    return handle_csrf_error(error)


@bp.get("/polls/<slug>/debate")
def debate(slug: str):
    return render_debate(participation_or_404(slug, current_voter_id(), utcnow()))


@bp.post("/polls/<slug>/comments")
@comment_limits
def comment(slug: str):
    now = utcnow()
    part = posting_participation(slug, now)
    require_open_debate(part.poll, now)  # before the mute and the form: closed is closed
    if part.muted_until is not None:
        return render_debate(part, form=refused_comment_form(muted_message(part.muted_until)), status=403)
    form = CommentForm()
    if not form.validate_on_submit():
        return render_debate(part, form=form, status=400)
    posted, token = post_from_form(part, form, now)
    # Read before the commit, which expires them: the answer needs no statement after it.
    comment_id, published = posted.id, posted.status == COMMENT_APPROVED
    db.session.commit()
    if published:
        flash(gettext("Thank you: your comment is published."), "success")
    else:
        flash(gettext("Thank you: your comment will appear once a moderator has reviewed it."), "success")
    flash_status_link(slug, comment_id, token)
    anchor = f"comment-{comment_id}" if published else "awaiting-review"
    return redirect(url_for(".debate", slug=slug, _anchor=anchor))


def flash_status_link(slug: str, comment_id: int, token: str) -> None:
    """Show the comment's private status link once, on the page the author lands on. It goes in
    the session's flash, never in the redirect's address, where logs and history would keep it."""
    url = url_for(".comment_status", slug=slug, comment_id=comment_id, token=token, _external=True)
    flash(url, STATUS_LINK_CATEGORY)


# A capability URL: its page must not hand the token on (Referer), be kept by a cache or be indexed.
STATUS_LINK_CATEGORY = "status-link"
STATUS_PAGE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


@bp.get("/polls/<slug>/comments/<id:comment_id>/status/<token>")
@talisman(referrer_policy="no-referrer")
def comment_status(slug: str, comment_id: int, token: str):
    """A comment's status, for whoever holds its private link (from any device, no cookie)."""
    poll = poll_or_404(slug)
    mine = comment_by_status_token(poll, comment_id, token)
    return render_template("debate/status.html", poll=poll, item=mine, is_open=poll.is_open(utcnow()))


@bp.after_request
def status_page_headers(response):
    """On the status page and its 404 alike: a wrong token's answer is no more cacheable."""
    if request.endpoint == "debate.comment_status":
        response.headers.update(STATUS_PAGE_HEADERS)
    return response


@bp.post("/polls/<slug>/comments/<id:comment_id>/appeal")
def appeal(slug: str, comment_id: int):
    """The author's one appeal against the rejection of their comment."""
    now = utcnow()
    voter_id = current_voter_id()
    part = participation_or_404(slug, voter_id, now)
    poll = part.poll
    form = AppealForm()
    require_open_debate(poll, now, APPEALS_CLOSED)  # before the form: closed is closed
    authors_comment(poll, comment_id, voter_id)
    if not form.validate_on_submit():
        return render_debate(part, appeal_form=form, appeal_for=comment_id, status=400)
    appeal_rejection(poll, comment_id, voter_id, form.note.data, now)
    db.session.commit()
    flash(gettext("Your appeal is sent: a moderator will look at your comment again."), "success")
    return redirect(url_for(".debate", slug=slug, _anchor=f"my-comment-{comment_id}"))


@bp.get("/polls/<slug>/comments/<id:comment_id>")
def comment_page(slug: str, comment_id: int):
    """A published comment's own address: its thread, with replies."""
    part = participation_or_404(slug, current_voter_id(), utcnow())
    comment = published_comment(part.poll, comment_id)
    if comment is None:
        abort(404, description=gettext("There is no such published comment in this debate."))
    return render_comment_page(part, comment)


@bp.post("/polls/<slug>/comments/<id:comment_id>/replies")
@comment_limits
def reply(slug: str, comment_id: int):
    """A reply to a published top-level comment, moderated like any comment."""
    now = utcnow()
    part = posting_participation(slug, now)
    poll = part.poll
    require_open_debate(poll, now)  # before the mute and the form: closed is closed
    parent = reply_parent(poll, comment_id)
    form = CommentForm()
    if part.muted_until is not None:
        form.body.errors = [muted_message(part.muted_until, "reply")]
        return render_refused_reply(part, parent.id, form, 403)
    if not form.validate_on_submit():
        return render_refused_reply(part, parent.id, form, 400)
    posted, token = post_from_form(part, form, now, parent)
    # Read before the commit, which expires them: the answer needs no statement after it.
    reply_id, published = posted.id, posted.status == COMMENT_APPROVED
    landing = reply_landing(poll, parent.id, reply_id, published)
    db.session.commit()
    if published:
        flash(gettext("Thank you: your reply is published."), "success")
    else:
        flash(gettext("Thank you: your reply will appear once a moderator has reviewed it."), "success")
    flash_status_link(slug, reply_id, token)
    return redirect(landing)


def reply_landing(poll: Poll, parent_id: int, reply_id: int, published: bool) -> str:
    """Where a posted reply takes its writer: back to the comment page it was sent from (at the reply,
    or at the top, where the message is, while it awaits review), else to the debate as it was."""
    sent_from = reply_sent_from(poll, parent_id)
    if sent_from is not None:
        anchor = f"comment-{reply_id}" if published else None
        return url_for(".comment_page", slug=poll.slug, comment_id=sent_from.id, _anchor=anchor)
    if published:
        return back_to_debate(poll.slug, f"comment-{reply_id}")
    return url_for(".debate", slug=poll.slug, _anchor="awaiting-review")


@bp.post("/polls/<slug>/comments/<id:comment_id>/mark")
@limiter.limit(lambda: current_app.config["MARK_LIMIT_PER_VOTER"], key_func=known_voter_rate_key)
def mark(slug: str, comment_id: int):
    """Mark a comment a good point, or take the mark back (CSRF-checked like every post)."""
    poll = poll_or_404(slug)
    marked = toggle_mark(poll, comment_id, current_voter_id(), utcnow())
    db.session.commit()
    message = gettext("Marked as a good point.") if marked else gettext("Your good-point mark is taken back.")
    flash(message, "success")
    return redirect(back_to_debate(slug, f"comment-{comment_id}"))

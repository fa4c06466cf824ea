"""The moderation queue and the actions taken from it."""

from flask import abort, current_app, flash, redirect, render_template, request
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db
from ..models import ALL_FLAGS, COMMENT_STATUSES, Comment
from ..services import moderation
from ..services.moderation import ModerationError, QueueFilters
from ..services.polls import all_polls, poll_by_slug
from ..services.stance_heads import stance_labels
from ..tagging import SENTIMENTS, STANCES
from ..view_helpers import requested_page
from .blueprint import bp, safe_next
from .forms import ModerationForm, StanceForm

MAX_BULK = 200


def filters_from_request() -> tuple[QueueFilters, dict]:
    """Filters from the query string; unknown values are ignored, not errors."""
    args = request.args
    chosen = {
        "poll": args.get("poll", ""),
        "status": args.get("status", "") if args.get("status") in COMMENT_STATUSES else "",
        "stance": args.get("stance", "") if args.get("stance") in STANCES else "",
        "sentiment": args.get("sentiment", "") if args.get("sentiment") in SENTIMENTS else "",
        "flag": args.get("flag", "") if args.get("flag") in ALL_FLAGS else "",
        "q": args.get("q", "").strip()[:200],
    }
    poll = poll_by_slug(chosen["poll"]) if chosen["poll"] else None
    if poll is None:
        chosen["poll"] = ""
    filters = QueueFilters(
        poll_id=poll.id if poll else None,
        status=chosen["status"] or None,
        stance=chosen["stance"] or None,
        sentiment=chosen["sentiment"] or None,
        flag=chosen["flag"] or None,
        text=chosen["q"],
    )
    return filters, chosen


@bp.get("/")
def queue():
    filters, chosen = filters_from_request()
    page = requested_page()
    rows, has_more = moderation.queue_page(filters, page, current_app.config["QUEUE_PER_PAGE"])
    return render_template(
        "admin/queue.html",
        comments=rows,
        page=page,
        has_more=has_more,
        chosen=chosen,
        polls=all_polls(),
        statuses=COMMENT_STATUSES,
        stances=STANCES,
        sentiments=SENTIMENTS,
        flags=ALL_FLAGS,
        pending=moderation.pending_count(filters.poll_id),
        form=ModerationForm(),
        stance_form=StanceForm(),
        stance_labels=stance_labels,
    )


def comment_or_404(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404, description="There is no such comment.")
    return comment


def back_to_queue():
    return redirect(safe_next(request.form.get("next")))


def _act(comments: list[Comment], form: ModerationForm):
    # The redirect is built before the action is saved: it cannot fail afterwards.
    answer = back_to_queue()
    try:
        count = moderation.apply(form.action.data, comments, current_user, utcnow(), form.reason.data or "")
    except ModerationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return answer
    db.session.commit()
    verb = {"approve": "approved", "reject": "rejected", "flag": "flagged for a second look"}[
        form.action.data
    ]
    flash(f"{count} comment{'s' if count != 1 else ''} {verb}.", "success")
    return answer


def _form_errors(form) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


@bp.post("/comments/<int:comment_id>/moderate")
def moderate(comment_id: int):
    comment = comment_or_404(comment_id)
    form = ModerationForm()
    if not form.validate_on_submit():
        flash(_form_errors(form) or "Please choose an action.", "error")
        return back_to_queue()
    return _act([comment], form)


@bp.post("/comments/bulk")
def bulk():
    form = ModerationForm()
    raw_ids = request.form.getlist("comment_id")
    if not form.validate_on_submit():
        flash(_form_errors(form) or "Please choose an action.", "error")
        return back_to_queue()
    if len(raw_ids) > MAX_BULK or not all(value.isdigit() for value in raw_ids):
        flash(f"Please tick between 1 and {MAX_BULK} comments in the list.", "error")
        return back_to_queue()
    comments = moderation.comments_by_id([int(value) for value in raw_ids])
    if len(comments) != len(set(raw_ids)):
        flash("Some selected comments no longer exist; nothing was changed.", "error")
        return back_to_queue()
    return _act(comments, form)


@bp.post("/comments/<int:comment_id>/stance")
def correct_stance(comment_id: int):
    comment = comment_or_404(comment_id)
    form = StanceForm()
    form.stance.choices = [(label, label.capitalize()) for label in stance_labels(comment.poll)]
    if not form.validate_on_submit():
        flash(_form_errors(form) or "Please choose a stance.", "error")
        return back_to_queue()
    answer = back_to_queue()
    moderation.correct_stance(comment, form.stance.data, current_user, utcnow())
    db.session.commit()
    flash(f"Comment {comment.id} is now filed as {comment.effective_stance}.", "success")
    return answer

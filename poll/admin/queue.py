"""The moderation queue and the actions taken from it."""

from flask import current_app, flash, redirect, render_template, request
from flask_login import current_user

from poll.admin.blueprint import bp, comment_or_404, safe_next
from poll.admin.forms.moderation import ModerationForm, QueueFilterForm, StanceForm
from poll.database.column_types import utcnow
from poll.database.models import COMMENT_STATUSES, Comment
from poll.debate import moderation
from poll.debate.moderation import STATUS_ANY, STATUS_OPEN, ModerationError, QueueFilters
from poll.debate.stance_heads import stance_labels
from poll.debate.tag_labels import tag_label_helpers
from poll.extensions import db
from poll.polls.finding import all_polls
from poll.web.row_ids import row_id

MAX_BULK = 200
STATUS_CHOICES = [
    ("", "Needs a decision"),
    (STATUS_ANY, "Any"),
    *((status, status) for status in COMMENT_STATUSES),
]


# The queue draws each comment's tags (admin/_tags.html) with these.
bp.context_processor(tag_label_helpers)


def queue_filters(form: QueueFilterForm) -> QueueFilters:
    """Without a status the queue shows what still needs a decision (pending
    and flagged); one comment asked for by id is shown whatever its status."""
    poll = form.chosen_poll()
    comment_id = row_id(form.comment.data or "")
    if comment_id is None:
        form.comment.data = ""
    status = form.status.data or (STATUS_ANY if comment_id is not None else STATUS_OPEN)
    return QueueFilters(
        poll_id=poll.id if poll else None,
        status=None if status == STATUS_ANY else status,
        comment_id=comment_id,
        stance=form.stance.data or None,
        sentiment=form.sentiment.data or None,
        flag=form.flag.data or None,
        text=form.q.data or "",
    )


def moderation_form() -> ModerationForm:
    """The action form, offering the current preset rejection reasons."""
    form = ModerationForm()
    form.preset.choices = [("", "No preset")] + [(text, text) for text in moderation.rejection_reasons()]
    return form


@bp.get("/")
def queue():
    filter_form = QueueFilterForm(request.args, all_polls(), STATUS_CHOICES).drop_unknown_values()
    filters = queue_filters(filter_form)
    pagination = moderation.queue_page(filters, filter_form.page.data, current_app.config["QUEUE_PER_PAGE"])
    return render_template(
        "admin/queue.html",
        comments=pagination.items,
        pagination=pagination,
        filter_form=filter_form,
        pending=moderation.pending_count(filters.poll_id),
        form=moderation_form(),
        stance_form=StanceForm(),
        moderation_actions=moderation.ACTIONS.values(),
        stance_labels=stance_labels,
    )


def back_to_queue(stay: int | None = None):
    """Back to the page and filters the moderator came from, at the comment
    they work on next (``following``; ``stay``: the same one, when the action
    was refused), so the keyboard cursor does not jump."""
    target = safe_next(request.form.get("next"))
    anchor = stay if stay is not None else row_id(request.form.get("following", ""))
    if anchor is not None and "#" not in target:
        target += f"#queue-{anchor}"
    return redirect(target)


def _act(comments: list[Comment], form: ModerationForm):
    # The redirects are built before the action is saved: they cannot fail afterwards.
    answer = back_to_queue()
    refused = back_to_queue(stay=comments[0].id if len(comments) == 1 else None) if comments else answer
    reason = moderation.combined_reason(form.preset.data, form.reason.data)
    try:
        count = moderation.apply(form.action.data, comments, current_user, utcnow(), reason)
    except ModerationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return refused
    db.session.commit()
    verb = moderation.ACTIONS[form.action.data].done
    flash(f"{count} comment{'s' if count != 1 else ''} {verb}.", "success")
    return answer


def _form_errors(form) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


@bp.post("/comments/<id:comment_id>/moderate")
def moderate(comment_id: int):
    comment = comment_or_404(comment_id)
    form = moderation_form()
    if not form.validate_on_submit():
        flash(_form_errors(form) or "Please choose an action.", "error")
        return back_to_queue(stay=comment.id)
    return _act([comment], form)


@bp.post("/comments/bulk")
def bulk():
    form = moderation_form()
    # "All on this page" sends the ids the page showed; otherwise the ticked ones.
    field = "page_comment_id" if request.form.get("all_on_page") == "1" else "comment_id"
    raw_ids = request.form.getlist(field)
    if not form.validate_on_submit():
        flash(_form_errors(form) or "Please choose an action.", "error")
        return back_to_queue()
    ids = [row_id(value) for value in raw_ids]
    if len(ids) > MAX_BULK or None in ids:
        flash(f"Please tick between 1 and {MAX_BULK} comments in the list.", "error")
        return back_to_queue()
    comments = moderation.comments_by_id(ids)
    if len(comments) != len(set(raw_ids)):
        flash("Some selected comments no longer exist; nothing was changed.", "error")
        return back_to_queue()
    return _act(comments, form)


@bp.post("/comments/<id:comment_id>/stance")
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

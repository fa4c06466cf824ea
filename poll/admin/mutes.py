"""Muting voters from the queue, the list of mutes in force, and lifting them."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from poll.admin.blueprint import bp, comment_or_404, safe_next
from poll.admin.forms.common import ButtonForm
from poll.admin.forms.moderation import MuteForm
from poll.database.column_types import utcnow
from poll.debate import mutes
from poll.debate.mutes import DURATIONS, MuteError
from poll.extensions import db
from poll.web.template_filters import when


def _mute_page(comment, form: MuteForm, status: int = 200):
    current = mutes.active_mute(comment.voter_id, utcnow())
    next_page = request.values.get("next", "")
    return (
        render_template(
            "admin/mute.html",
            comment=comment,
            form=form,
            current=current,
            next_page=next_page,
            pseudonym=mutes.voter_pseudonym(comment.voter_id),
            record=mutes.author_record(comment),
            now=utcnow(),
        ),
        status,
    )


@bp.get("/comments/<id:comment_id>/mute")
def mute_author(comment_id: int):
    return _mute_page(comment_or_404(comment_id), MuteForm())


@bp.post("/comments/<id:comment_id>/mute")
def mute_author_post(comment_id: int):
    comment = comment_or_404(comment_id)
    form = MuteForm()
    if not form.validate_on_submit():
        return _mute_page(comment, form, 400)
    now = utcnow()
    try:
        row = mutes.mute(
            comment.voter_id, form.reason.data, now + DURATIONS[form.duration.data], current_user, now
        )
    except MuteError as error:
        db.session.rollback()
        form.reason.errors = [*form.reason.errors, str(error)]
        return _mute_page(comment, form, 409 if "already muted" in str(error) else 400)
    target = safe_next(request.form.get("next"))
    db.session.commit()
    until = when(row.expires_at, "short", local=True)
    flash(f"The author of comment {comment.id} is muted until {until}.", "success")
    return redirect(target if "#" in target else f"{target}#queue-{comment.id}")


@bp.get("/mutes")
def mute_list():
    now = utcnow()
    return render_template(
        "admin/mutes.html",
        mutes=mutes.active_mutes(now),
        button=ButtonForm(),
        pseudonym=mutes.voter_pseudonym,
    )


@bp.post("/mutes/<id:mute_id>/lift")
def lift_mute(mute_id: int):
    if not ButtonForm().validate_on_submit():
        abort(400, description="The form expired. Please reload the page and try again.")
    try:
        mutes.lift(mute_id, current_user, utcnow())
    except MuteError as error:
        db.session.rollback()
        abort(404, description=str(error))
    db.session.commit()
    flash("Mute lifted: the voter can comment again.", "success")
    return redirect(url_for("admin.mute_list"))

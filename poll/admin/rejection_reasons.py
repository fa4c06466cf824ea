"""The preset rejection reasons moderators pick from (admins edit the list)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from poll.admin.blueprint import admin_required, bp
from poll.admin.forms.common import ButtonForm
from poll.admin.forms.moderation import RejectionReasonForm
from poll.database.column_types import utcnow
from poll.database.models import RejectionReason
from poll.debate import moderation
from poll.debate.moderation import DEFAULT_REJECTION_REASONS, ModerationError
from poll.extensions import db


def _page(form: RejectionReasonForm, status: int = 200):
    return (
        render_template(
            "admin/rejection_reasons.html",
            reasons=moderation.stored_rejection_reasons(),
            defaults=DEFAULT_REJECTION_REASONS,
            form=form,
            button=ButtonForm(),
        ),
        status,
    )


@bp.get("/rejection-reasons")
@admin_required
def rejection_reasons():
    return _page(RejectionReasonForm())


@bp.post("/rejection-reasons")
@admin_required
def add_rejection_reason():
    form = RejectionReasonForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        row = moderation.add_rejection_reason(form.text.data, current_user, utcnow())
    except ModerationError as error:
        db.session.rollback()
        form.text.errors = [*form.text.errors, str(error)]
        return _page(form, 400)
    db.session.commit()
    flash(f"Moderators can now choose {row.text!r}.", "success")
    return redirect(url_for("admin.rejection_reasons"))


@bp.post("/rejection-reasons/<id:reason_id>/remove")
@admin_required
def remove_rejection_reason(reason_id: int):
    row = db.session.get(RejectionReason, reason_id)
    if row is None:
        abort(404, description="That reason is not on the list.")
    if not ButtonForm().validate_on_submit():
        abort(400, description="The form expired. Please reload the page and try again.")
    text = row.text
    moderation.remove_rejection_reason(row, current_user, utcnow())
    db.session.commit()
    flash(f"{text!r} removed from the preset reasons.", "success")
    return redirect(url_for("admin.rejection_reasons"))

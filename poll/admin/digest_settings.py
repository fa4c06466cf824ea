"""A moderator's own review digest: address and schedule (every account, for itself only)."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from poll.admin.blueprint import bp
from poll.admin.forms.alerts import DigestForm
from poll.alerts.digest import save_settings
from poll.database.column_types import utcnow
from poll.extensions import db


def _page(form: DigestForm, status: int = 200):
    mail_ready = bool(current_app.config["SMTP_HOST"] and current_app.config["MAIL_FROM"])
    return render_template(
        "admin/digest_settings.html", form=form, mail_ready=mail_ready, zone=current_app.config["TIMEZONE"]
    ), status


@bp.get("/my-digest")
def digest_settings():
    return _page(DigestForm(obj=current_user))


@bp.post("/my-digest")
def save_digest_settings():
    form = DigestForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    save_settings(current_user, form.email.data, form.digest.data, form.digest_hour.data, utcnow())
    db.session.commit()
    flash("Digest settings saved.", "success")
    return redirect(url_for("admin.digest_settings"))

"""API keys (admins): make one (its text shown once), list them, revoke one; each audited."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from poll.accounts import api_keys
from poll.accounts.api_keys import ApiKeyError
from poll.admin.blueprint import admin_required, bp
from poll.admin.forms.api_keys import ApiKeyForm
from poll.admin.forms.common import ButtonForm
from poll.database.column_types import utcnow
from poll.database.models import ApiKey
from poll.extensions import db


def _page(form: ApiKeyForm, status: int = 200, new_key: str | None = None, made: ApiKey | None = None):
    return render_template(
        "admin/api_keys.html",
        form=form,
        button=ButtonForm(),
        keys=api_keys.all_keys(),
        new_key=new_key,
        made=made,
    ), status


@bp.get("/api-keys")
@admin_required
def api_key_list():
    return _page(ApiKeyForm())


@bp.post("/api-keys")
@admin_required
def create_api_key():
    """The new key is in this answer alone (never stored, never flashed into the session cookie),
    which the admin pages send no-store."""
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        key, text = api_keys.create_key(form.name.data, form.scope.data, current_user, utcnow())
    except ApiKeyError as error:
        db.session.rollback()
        getattr(form, error.field or "name").errors.append(str(error))
        return _page(form, 400)
    db.session.commit()
    return _page(ApiKeyForm(formdata=None), 201, new_key=text, made=key)


@bp.post("/api-keys/<id:key_id>/revoke")
@admin_required
def revoke_api_key(key_id: int):
    key = db.session.get(ApiKey, key_id)
    if key is None:
        abort(404, description="There is no such API key.")
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        api_keys.revoke_key(key, current_user, utcnow())
    except ApiKeyError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.api_key_list"))
    db.session.commit()
    flash(f"Revoked the key {key.name!r}: it calls nothing from now on.", "success")
    return redirect(url_for("admin.api_key_list"))

"""Webhook endpoints (admins): register, edit, rotate the secret, remove; each with its deliveries."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from poll.admin.blueprint import admin_required, bp
from poll.admin.forms.alerts import WebhookForm
from poll.admin.forms.common import ButtonForm
from poll.alerts import webhooks
from poll.alerts.webhooks import WebhookError
from poll.database.column_types import utcnow
from poll.database.models import WebhookEndpoint
from poll.extensions import db


def endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        abort(404, description="There is no such webhook endpoint (it may have been removed).")
    return endpoint


def _list_page(form: WebhookForm, status: int = 200):
    return render_template("admin/webhooks.html", endpoints=webhooks.all_endpoints(), form=form), status


def _endpoint_page(endpoint: WebhookEndpoint, form: WebhookForm, status: int = 200):
    return render_template(
        "admin/webhook.html",
        endpoint=endpoint,
        form=form,
        button=ButtonForm(),
        deliveries=webhooks.recent_deliveries(endpoint),
    ), status


def _refused(form: WebhookForm, error: WebhookError) -> None:
    getattr(form, error.field).errors.append(str(error))


@bp.get("/webhooks")
@admin_required
def webhook_list():
    return _list_page(WebhookForm())


@bp.post("/webhooks")
@admin_required
def add_webhook():
    form = WebhookForm()
    if not form.validate_on_submit():
        return _list_page(form, 400)
    try:
        endpoint = webhooks.add_endpoint(
            current_user,
            form.url.data,
            form.description.data,
            form.events.data,
            utcnow(),
            current_app.config["WEBHOOK_ALLOW_PRIVATE"],
        )
    except WebhookError as error:
        db.session.rollback()
        _refused(form, error)
        return _list_page(form, 400)
    db.session.commit()
    flash("Endpoint registered. Give its secret (below) to the receiver, to check signatures.", "success")
    return redirect(url_for("admin.webhook", endpoint_id=endpoint.id))


@bp.get("/webhooks/<id:endpoint_id>")
@admin_required
def webhook(endpoint_id: int):
    endpoint = endpoint_or_404(endpoint_id)
    return _endpoint_page(endpoint, WebhookForm(obj=endpoint))


@bp.post("/webhooks/<id:endpoint_id>")
@admin_required
def edit_webhook(endpoint_id: int):
    endpoint = endpoint_or_404(endpoint_id)
    form = WebhookForm()
    if not form.validate_on_submit():
        return _endpoint_page(endpoint, form, 400)
    try:
        webhooks.edit_endpoint(
            current_user,
            endpoint,
            form.url.data,
            form.description.data,
            form.events.data,
            form.enabled.data,
            utcnow(),
            current_app.config["WEBHOOK_ALLOW_PRIVATE"],
        )
    except WebhookError as error:
        db.session.rollback()
        _refused(form, error)
        return _endpoint_page(endpoint_or_404(endpoint_id), form, 400)
    db.session.commit()
    flash("Endpoint saved.", "success")
    return redirect(url_for("admin.webhook", endpoint_id=endpoint_id))


@bp.post("/webhooks/<id:endpoint_id>/rotate")
@admin_required
def rotate_webhook_secret(endpoint_id: int):
    endpoint = endpoint_or_404(endpoint_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    webhooks.rotate_secret(current_user, endpoint, utcnow())
    db.session.commit()
    flash("New secret made: deliveries are signed with it from now on. Give it to the receiver.", "success")
    return redirect(url_for("admin.webhook", endpoint_id=endpoint_id))


@bp.post("/webhooks/<id:endpoint_id>/remove")
@admin_required
def remove_webhook(endpoint_id: int):
    endpoint = endpoint_or_404(endpoint_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    url = endpoint.url
    webhooks.remove_endpoint(current_user, endpoint, utcnow())
    db.session.commit()
    flash(f"Endpoint {url} removed; nothing more is sent to it.", "success")
    return redirect(url_for("admin.webhook_list"))

"""Webhook endpoints: registering, editing, rotating the secret, disabling and removing, each
audited. The caller commits."""

from datetime import datetime

from sqlalchemy import update

from poll.accounts import audit
from poll.alerts.addresses import url_problem
from poll.alerts.delivery import ENDPOINT_DISABLED
from poll.alerts.events import EVENTS
from poll.alerts.signing import new_secret
from poll.database.models import (
    DELIVERY_FAILED,
    DELIVERY_PENDING,
    Moderator,
    WebhookDelivery,
    WebhookEndpoint,
)
from poll.extensions import db

TARGET = "webhook"
DELIVERIES_SHOWN = 50


class WebhookError(Exception):
    """A refused change, with the form field it is about."""

    def __init__(self, message: str, field: str = "url"):
        super().__init__(message)
        self.field = field


def _described(endpoint: WebhookEndpoint) -> dict:
    """What the audit log keeps of an endpoint: never its secret."""
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events),
        "enabled": endpoint.enabled,
    }


def _check(url: str, events: list[str], allow_private: bool, keep: WebhookEndpoint | None = None) -> None:
    problem = url_problem(url, allow_private)
    if problem:
        raise WebhookError(problem)
    if not events or any(name not in EVENTS for name in events):
        raise WebhookError("Please choose at least one event.", field="events")
    same = db.session.execute(db.select(WebhookEndpoint.id).where(WebhookEndpoint.url == url)).scalars()
    if any(keep is None or found != keep.id for found in same):
        raise WebhookError("That URL is registered already; edit it there instead.")


def add_endpoint(
    actor: Moderator, url: str, description: str, events: list[str], now: datetime, allow_private: bool
) -> WebhookEndpoint:
    """Register ``url`` for ``events``, with a new secret."""
    _check(url, events, allow_private)
    endpoint = WebhookEndpoint(
        url=url,
        description=description,
        events=sorted(events),
        secret=new_secret(),
        enabled=True,
        created_at=now,
        updated_at=now,
    )
    db.session.add(endpoint)
    db.session.flush()
    audit.record(actor, "webhook.add", TARGET, endpoint.id, now, after=_described(endpoint))
    return endpoint


def edit_endpoint(
    actor: Moderator,
    endpoint: WebhookEndpoint,
    url: str,
    description: str,
    events: list[str],
    enabled: bool,
    now: datetime,
    allow_private: bool,
) -> None:
    """Change the endpoint's URL, description, events or whether it is enabled. Disabling it
    settles its pending deliveries as failed: nothing more goes to it."""
    _check(url, events, allow_private, keep=endpoint)
    before = _described(endpoint)
    endpoint.url, endpoint.description, endpoint.events = url, description, sorted(events)
    endpoint.enabled, endpoint.updated_at = enabled, now
    if not enabled:
        stop_pending(endpoint)
    audit.record(actor, "webhook.edit", TARGET, endpoint.id, now, before=before, after=_described(endpoint))


def stop_pending(endpoint: WebhookEndpoint) -> None:
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == DELIVERY_PENDING)
        .values(status=DELIVERY_FAILED, last_error=ENDPOINT_DISABLED)
        .execution_options(synchronize_session=False)
    )


def rotate_secret(actor: Moderator, endpoint: WebhookEndpoint, now: datetime) -> None:
    """A new secret; deliveries from now on are signed with it (retries included)."""
    endpoint.secret, endpoint.updated_at = new_secret(), now
    audit.record(actor, "webhook.rotate_secret", TARGET, endpoint.id, now, after={"url": endpoint.url})


def remove_endpoint(actor: Moderator, endpoint: WebhookEndpoint, now: datetime) -> None:
    """Remove the endpoint and its deliveries; a queued delivery then finds nothing to send."""
    audit.record(actor, "webhook.remove", TARGET, endpoint.id, now, before=_described(endpoint))
    db.session.delete(endpoint)


def recent_deliveries(endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    return list(
        db.session.execute(
            db.select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            .limit(DELIVERIES_SHOWN)
        ).scalars()
    )


def all_endpoints() -> list[WebhookEndpoint]:
    return list(db.session.execute(db.select(WebhookEndpoint).order_by(WebhookEndpoint.id)).scalars())

"""The events a newsroom can be sent, and emitting one: a delivery row per subscribed endpoint,
stored in the caller's transaction and handed to the delivery queue only once it commits (a
rolled-back action sends nothing)."""

import json
import uuid
from datetime import datetime

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from poll.database.models import Comment, Poll, WebhookDelivery, WebhookEndpoint
from poll.extensions import db

COMMENT_AWAITING_REVIEW = "comment.awaiting_review"
COMMENT_FLAGGED_UNCIVIL = "comment.flagged_uncivil"
COMMENT_APPEALED = "comment.appealed"
VOTE_BURST = "poll.vote_burst"
POLL_CLOSED = "poll.closed"
EVENT_LABELS = {
    COMMENT_AWAITING_REVIEW: "A comment awaits review",
    COMMENT_FLAGGED_UNCIVIL: "A comment is flagged uncivil",
    COMMENT_APPEALED: "An author appeals a rejection",
    VOTE_BURST: "A burst of new voters from one address",
    POLL_CLOSED: "A poll is closed",
}
EVENTS = tuple(EVENT_LABELS)

# session.info key: deliveries stored by this transaction, queued once it commits.
DELIVERIES_TO_SEND = "webhook_deliveries_to_send"


def link(endpoint: str, **values) -> str:
    """An absolute link to a page of this site, from a request or a worker: PUBLIC_URL when set,
    else the request's own host; a bare path when neither is known."""
    path = current_app.url_map.bind("localhost", script_name="/").build(endpoint, values)
    base = current_app.config.get("PUBLIC_URL") or (request.host_url if has_request_context() else "")
    return base.rstrip("/") + path


def subscribers(name: str) -> list[WebhookEndpoint]:
    endpoints = db.session.execute(db.select(WebhookEndpoint).where(WebhookEndpoint.enabled)).scalars()
    return [endpoint for endpoint in endpoints if name in endpoint.events]


def emit(name: str, data: dict, now: datetime, subject: str = "") -> list[WebhookDelivery]:
    """Store a delivery of event ``name`` for every endpoint that wants it; sent after commit."""
    if name not in EVENTS:
        raise ValueError(f"unknown event {name!r}")
    endpoints = subscribers(name)
    if not endpoints:
        return []
    event_id = str(uuid.uuid4())
    body = json.dumps(
        {"event": name, "id": event_id, "occurred_at": now.isoformat(), "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    deliveries = [
        WebhookDelivery(
            endpoint=endpoint, event=name, event_id=event_id, subject=subject, body=body, created_at=now
        )
        for endpoint in endpoints
    ]
    db.session.add_all(deliveries)
    db.session.flush()
    db.session.info.setdefault(DELIVERIES_TO_SEND, []).extend(delivery.id for delivery in deliveries)
    return deliveries


def comment_data(comment: Comment) -> dict:
    """A comment event's payload: ids and links, never the author's voter id or address."""
    poll = comment.poll
    return {
        "comment_id": comment.id,
        "poll_id": poll.id,
        "poll_slug": poll.slug,
        "links": {
            "queue": link("admin.queue", comment=comment.id),
            "poll": link("polls.poll_page", slug=poll.slug),
        },
    }


def emit_for_comment(name: str, comment: Comment, now: datetime) -> None:
    emit(name, comment_data(comment), now)


def closed_subject(poll: Poll) -> str:
    """A close's name among deliveries: the poll and the moment it closed (it may reopen and close again)."""
    closes_at = poll.closes_at.isoformat() if poll.closes_at else ""
    return f"poll:{poll.id}:{closes_at}"


def emit_poll_closed(poll: Poll, now: datetime) -> None:
    """Announce that ``poll`` closed (by an editor now, or at its scheduled time: poll.alerts.closes)."""
    closes_at = poll.closes_at.isoformat() if poll.closes_at else None
    data = {
        "poll_id": poll.id,
        "poll_slug": poll.slug,
        "closes_at": closes_at,
        "links": {
            "poll": link("polls.poll_page", slug=poll.slug),
            "dashboard": link("admin.dashboard", slug=poll.slug),
        },
    }
    emit(POLL_CLOSED, data, now, subject=closed_subject(poll))


@event.listens_for(Session, "after_commit")
def _send_committed(session) -> None:
    delivery_ids = session.info.pop(DELIVERIES_TO_SEND, None)
    if delivery_ids:
        from poll.alerts.tasks import queue_deliveries

        queue_deliveries(delivery_ids)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session, previous_transaction) -> None:
    session.info.pop(DELIVERIES_TO_SEND, None)

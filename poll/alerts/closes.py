"""Polls that close at their scheduled time: nothing happens at that moment to emit POLL_CLOSED, so
the alert worker's periodic check announces each such close once (an editor's close from the admin
is announced as it happens, under the same subject, and is not announced again here)."""

from datetime import datetime, timedelta

from poll.alerts.events import POLL_CLOSED, closed_subject, emit_poll_closed, subscribers
from poll.database.models import Poll, WebhookDelivery
from poll.extensions import db

# Closes older than this are not announced (an endpoint registered today hears nothing of last month).
LOOK_BACK = timedelta(days=1)


def announce_scheduled_closes(now: datetime) -> int:
    """Emit POLL_CLOSED for every poll that closed within LOOK_BACK and was not announced yet;
    returns how many. The caller commits."""
    if not subscribers(POLL_CLOSED):
        return 0
    closed = db.session.execute(
        db.select(Poll).where(Poll.closes_at <= now, Poll.closes_at > now - LOOK_BACK).order_by(Poll.id)
    ).scalars()
    announced = 0
    for poll in closed:
        seen = db.session.scalar(
            db.select(WebhookDelivery.id)
            .where(WebhookDelivery.event == POLL_CLOSED, WebhookDelivery.subject == closed_subject(poll))
            .limit(1)
        )
        if seen is None:
            emit_poll_closed(poll, now)
            announced += 1
    return announced

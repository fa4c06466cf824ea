"""Vote bursts as an event: the dashboard's bursts (VOTE_BURST_THRESHOLD new voters from one
address in an hour), announced once each by the alert worker's periodic check. Voting itself is
the hottest path and is not slowed by a count per vote; a burst is announced within
CHECK_EVERY_MINUTES (poll.alerts.tasks) of crossing the threshold."""

from datetime import datetime, timedelta

from flask import current_app

from poll.alerts.events import VOTE_BURST, emit, link, subscribers
from poll.database.models import Poll, WebhookDelivery
from poll.extensions import db
from poll.polls.figures import vote_bursts

# Polls closed longer ago than this cannot gain a burst any more.
RECENTLY_CLOSED = timedelta(hours=1)


def burst_subject(first_vote_id: int) -> str:
    """A burst's name among deliveries: its first vote, as the dashboard names it."""
    return f"vote:{first_vote_id}"


def announce_vote_bursts(now: datetime) -> int:
    """Emit VOTE_BURST for every burst of an open (or just closed) poll not announced yet; returns
    how many. The caller commits."""
    if not subscribers(VOTE_BURST):
        return 0
    threshold = current_app.config["VOTE_BURST_THRESHOLD"]
    polls = db.session.execute(
        db.select(Poll).where(
            Poll.opens_at <= now, (Poll.closes_at.is_(None)) | (Poll.closes_at > now - RECENTLY_CLOSED)
        )
    ).scalars()
    announced = 0
    for poll in polls:
        for burst in vote_bursts(poll, now, threshold):
            subject = burst_subject(burst.id)
            seen = db.session.scalar(
                db.select(WebhookDelivery.id)
                .where(WebhookDelivery.event == VOTE_BURST, WebhookDelivery.subject == subject)
                .limit(1)
            )
            if seen is not None:
                continue
            data = {
                "poll_id": poll.id,
                "poll_slug": poll.slug,
                "hour": burst.hour.isoformat(),
                "new_voters": burst.new_voters,
                "threshold": threshold,
                "links": {"dashboard": link("admin.dashboard", slug=poll.slug)},
            }
            emit(VOTE_BURST, data, now, subject=subject)
            announced += 1
    return announced

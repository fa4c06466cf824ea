"""The alerts' worker queue (huey, beside the tagging queue: the same TASK_QUEUE_URL, its own
name): a task per webhook delivery, retried with exponential backoff, and the periodic digest and
vote-burst and scheduled-close checks. ``flask alerts work`` runs its consumer.

The queue is made on first use (the first delivery after a commit, or the worker starting), so an
app that never sends an alert never opens the queue's store."""

import logging
import threading

from flask import Flask, current_app

from poll.database.column_types import utcnow
from poll.extensions import db

logger = logging.getLogger(__name__)

_making = threading.Lock()
QUEUE_KEY = "alert_queue"
# The periodic checks, in minutes.
CHECK_EVERY_MINUTES = 5


class AlertQueue:
    """The huey instance and its tasks, for one app."""

    def __init__(self, app: Flask):
        from huey import crontab

        from poll.alerts.bursts import announce_vote_bursts
        from poll.alerts.closes import announce_scheduled_closes
        from poll.alerts.delivery import AttemptFailed, attempt_delivery
        from poll.alerts.digest import send_due_digests
        from poll.debate.tagging_queue import queue_for

        self.huey = queue_for(app, suffix="-alerts")
        tries = app.config["WEBHOOK_TRIES"]

        @self.huey.task(
            name="deliver_webhook",
            retries=tries - 1,
            retry_delay=app.config["WEBHOOK_RETRY_DELAY"],
            retry_backoff=app.config["WEBHOOK_RETRY_BACKOFF"],
        )
        def deliver(delivery_id: int) -> str:
            with app.app_context():
                try:
                    return attempt_delivery(delivery_id, utcnow(), tries)
                except AttemptFailed:
                    raise  # huey retries it, later
                finally:
                    db.session.remove()

        @self.huey.periodic_task(crontab(minute=f"*/{CHECK_EVERY_MINUTES}"), name="alert_checks")
        def periodic_checks() -> tuple[int, int]:
            with app.app_context():
                try:
                    announced = announce_vote_bursts(utcnow()) + announce_scheduled_closes(utcnow())
                    db.session.commit()
                    if not (app.config["SMTP_HOST"] and app.config["MAIL_FROM"]):
                        return announced, 0  # no mail server set up: no digests, and no error every 5 minutes
                    return announced, send_due_digests(utcnow())
                finally:
                    db.session.remove()

        self.deliver = deliver
        self.periodic_checks = periodic_checks


def alert_queue(app: Flask | None = None) -> AlertQueue:
    """The app's alert queue, made on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    queue = app.extensions.get(QUEUE_KEY)
    if queue is None:
        with _making:
            queue = app.extensions.get(QUEUE_KEY)
            if queue is None:
                queue = app.extensions[QUEUE_KEY] = AlertQueue(app)
    return queue


def queue_deliveries(delivery_ids: list[int]) -> None:
    """Hand committed deliveries to the worker, one task each. When the queue's store is down the
    action still stands: its deliveries stay pending, listed as such beside their endpoint."""
    try:
        deliver = alert_queue().deliver
        for delivery_id in delivery_ids:
            deliver(delivery_id)
    except Exception:
        logger.exception("could not queue webhook deliveries %s", delivery_ids)

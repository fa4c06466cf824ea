"""``flask alerts``: the alerts worker, and sending the due digests now."""

import click
from flask import current_app
from flask.cli import AppGroup

from poll.alerts.digest import DigestNotConfigured, send_due_digests
from poll.alerts.tasks import alert_queue
from poll.database.column_types import utcnow

alerts_group = AppGroup("alerts", help="Webhook deliveries and review digests.")


@alerts_group.command("work")
@click.option("--threads", default=2, show_default=True, type=click.IntRange(1, 16), help="Delivery threads.")
def alerts_work_command(threads: int) -> None:
    """Send queued webhook deliveries, and every few minutes the due digests and new vote bursts."""
    huey = alert_queue(current_app._get_current_object()).huey  # type: ignore[attr-defined]
    click.echo("Alerts worker: waiting for deliveries (Ctrl-C stops).")
    huey.create_consumer(workers=threads, worker_type="thread").run()


@alerts_group.command("send-digests")
def send_digests_command() -> None:
    """Send every review digest that is due now (the worker does the same every few minutes)."""
    try:
        sent = send_due_digests(utcnow())
    except DigestNotConfigured as error:
        raise click.UsageError(str(error)) from error
    click.echo(f"Sent {sent} digest{'' if sent == 1 else 's'}.")

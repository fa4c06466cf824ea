"""The real `flask alerts work` process: a refused delivery is retried after its real delay."""

import os
import subprocess
import sys
import time

import pytest

from poll import PROJECT_ROOT
from poll.alerts.events import POLL_CLOSED
from poll.alerts.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from poll.database.models import DELIVERY_DELIVERED, WebhookDelivery
from poll.extensions import db
from tests.alerts.conftest import register
from tests.alerts.test_delivery import close


@pytest.fixture
def app_config(app_config):
    """huey keeps a task's retry delay from when it was queued: the test's app queues the delivery,
    so its setting is the one the worker waits (the default, 10 s, kept this test waiting 11 s)."""
    return {**app_config, "WEBHOOK_RETRY_DELAY": 1}


@pytest.mark.slow
def test_the_worker_retries_a_refused_delivery_until_it_is_delivered(app, make_poll, receiver, database_url):
    hook = receiver(answers=[500, 200])
    _, secret = register(app, hook.url, [POLL_CLOSED])
    close(app, make_poll())
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TASK_QUEUE_URL": app.config["TASK_QUEUE_URL"],
        "SECRET_KEY": "k" * 32,
        "TAGGING": "inline",
        "WEBHOOK_ALLOW_PRIVATE": "1",
        "WEBHOOK_RETRY_DELAY": "1",  # a real wait, kept short (the queued task's own, above, is what counts)
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "alerts", "work"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60  # a generous bound, not a speed test
        status = None
        while time.monotonic() < deadline and status != DELIVERY_DELIVERED:
            assert worker.poll() is None, "the alerts worker died"
            time.sleep(0.2)
            with app.app_context():
                delivery = db.session.execute(db.select(WebhookDelivery)).scalar_one()
                status, attempts = delivery.status, delivery.attempts
                db.session.remove()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert (status, attempts) == (DELIVERY_DELIVERED, 2)
    assert len(hook.received) == 2
    for request in hook.received:
        headers = request["headers"]
        assert verify(secret, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], request["body"])

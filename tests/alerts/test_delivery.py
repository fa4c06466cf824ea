"""Webhook deliveries to a real HTTP receiver on loopback: signed, retried, stopped."""

import json
import time
from datetime import UTC, datetime

import pytest

from poll.alerts import webhooks
from poll.alerts.delivery import ENDPOINT_DISABLED
from poll.alerts.events import POLL_CLOSED
from poll.alerts.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature, verify
from poll.database.column_types import utcnow
from poll.database.models import (
    DELIVERY_DELIVERED,
    DELIVERY_FAILED,
    DELIVERY_PENDING,
    WebhookDelivery,
    WebhookEndpoint,
)
from poll.extensions import db
from poll.polls import editing
from poll.polls.finding import poll_by_slug
from tests.alerts.conftest import register, run_queue


def close(app, slug: str, commit: bool = True) -> None:
    with app.app_context():
        editing.close_poll(poll_by_slug(slug), None, utcnow())
        if commit:
            db.session.commit()
        else:
            db.session.rollback()


def deliveries(app) -> list[WebhookDelivery]:
    with app.app_context():
        return list(db.session.execute(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars())


def test_a_refused_delivery_is_retried_and_ends_delivered(app, make_poll, receiver):
    hook = receiver(answers=[500, 200])
    _, secret = register(app, hook.url, [POLL_CLOSED])
    slug = make_poll()
    close(app, slug)
    assert [d.status for d in deliveries(app)] == [DELIVERY_PENDING]

    assert run_queue(app) == 2  # the first attempt and its retry, each a real run of the task
    first, second = hook.received
    for request in hook.received:
        headers = request["headers"]
        assert verify(secret, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], request["body"])
        assert abs(int(headers[TIMESTAMP_HEADER]) - time.time()) < 60
    event = json.loads(second["body"])
    assert first["body"] == second["body"]  # the same event (and id), signed again
    assert event["event"] == POLL_CLOSED and event["data"]["poll_slug"] == slug
    assert event["data"]["links"]["poll"] == f"https://polls.example.org/polls/{slug}"
    [delivery] = deliveries(app)
    assert (delivery.status, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        DELIVERY_DELIVERED,
        2,
        200,
        "",
    )
    assert delivery.delivered_at is not None


def test_a_delivery_that_keeps_failing_gives_up_after_its_tries(app, make_poll, receiver):
    hook = receiver(answers=[503] * 10)
    register(app, hook.url, [POLL_CLOSED])
    close(app, make_poll())
    etas: list = []
    started = datetime.now(UTC).replace(tzinfo=None)  # huey keeps naive UTC times
    run_queue(app, etas=etas)
    assert len(hook.received) == app.config["WEBHOOK_TRIES"] == 5
    # Exponential backoff: each retry is due 10 s, 30 s, 90 s, 270 s after the failed attempt
    # (all of which ran within the first seconds here, so measured from the start, give or take 5 s).
    delays = [(eta - started).total_seconds() for eta in etas]
    assert all(abs(delay - wanted) < 5 for delay, wanted in zip(delays, [10, 30, 90, 270], strict=True))
    [delivery] = deliveries(app)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DELIVERY_FAILED, 5, 503)
    assert "503" in delivery.last_error


def test_an_unreachable_receiver_is_recorded_as_an_error(app, make_poll, receiver):
    hook = receiver()
    url = hook.url
    hook.server.shutdown()
    hook.server.server_close()  # nothing listens on that port any more
    register(app, url, [POLL_CLOSED])
    close(app, make_poll())
    run_queue(app)
    [delivery] = deliveries(app)
    assert delivery.status == DELIVERY_FAILED and delivery.attempts == 5
    assert delivery.last_status_code is None and "ConnectionError" in delivery.last_error


def test_a_rolled_back_action_sends_nothing(app, make_poll, receiver):
    hook = receiver()
    register(app, hook.url, [POLL_CLOSED])
    close(app, make_poll(), commit=False)
    assert run_queue(app) == 0
    assert deliveries(app) == [] and hook.received == []


def test_nothing_goes_out_after_the_endpoint_is_removed(app, make_poll, receiver):
    hook = receiver()
    endpoint_id, _ = register(app, hook.url, [POLL_CLOSED])
    close(app, make_poll())  # queued ...
    with app.app_context():
        webhooks.remove_endpoint(None, db.session.get(WebhookEndpoint, endpoint_id), utcnow())
        db.session.commit()
    assert run_queue(app) == 1  # ... the task runs, and finds nothing to send
    assert hook.received == [] and deliveries(app) == []


def test_disabling_an_endpoint_stops_its_pending_retries(app, make_poll, receiver):
    hook = receiver(answers=[500])
    endpoint_id, _ = register(app, hook.url, [POLL_CLOSED])
    close(app, make_poll())
    run_queue(app, rounds=1)  # the first attempt fails; its retry is scheduled
    with app.app_context():
        endpoint = db.session.get(WebhookEndpoint, endpoint_id)
        webhooks.edit_endpoint(None, endpoint, endpoint.url, "", endpoint.events, False, utcnow(), True)
        db.session.commit()
    run_queue(app)
    assert len(hook.received) == 1
    [delivery] = deliveries(app)
    assert (delivery.status, delivery.last_error) == (DELIVERY_FAILED, ENDPOINT_DISABLED)


def test_only_subscribed_and_enabled_endpoints_are_sent_an_event(app, make_poll, receiver):
    wanted, other, off = receiver(), receiver(), receiver()
    register(app, wanted.url, [POLL_CLOSED])
    register(app, other.url, ["comment.appealed"])
    register(app, off.url, [POLL_CLOSED], enabled=False)
    close(app, make_poll())
    run_queue(app)
    assert len(wanted.received) == 1 and other.received == [] and off.received == []


def test_a_rotated_secret_signs_the_retries(app, make_poll, receiver):
    hook = receiver(answers=[500, 200])
    endpoint_id, old_secret = register(app, hook.url, [POLL_CLOSED])
    close(app, make_poll())
    run_queue(app, rounds=1)
    with app.app_context():
        webhooks.rotate_secret(None, db.session.get(WebhookEndpoint, endpoint_id), utcnow())
        db.session.commit()
        new_secret = db.session.get(WebhookEndpoint, endpoint_id).secret
    run_queue(app)
    retry = hook.received[1]
    headers = retry["headers"]
    assert new_secret != old_secret
    assert verify(new_secret, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], retry["body"])
    assert not verify(old_secret, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER], retry["body"])


@pytest.fixture
def signed():
    secret, body, timestamp = "s" * 64, b'{"event":"poll.closed"}', str(int(time.time()))
    return secret, body, timestamp, signature(secret, timestamp, body)


def test_the_verifier_accepts_a_genuine_delivery(signed):
    secret, body, timestamp, sig = signed
    assert verify(secret, timestamp, sig, body)


@pytest.mark.parametrize(
    "change",
    [
        {"secret": "t" * 64},
        {"body": b'{"event":"poll.closed","x":1}'},
        {"sig": "sha256=" + "0" * 64},
        {"sig": ""},
        {"timestamp": str(int(time.time()) - 3600)},  # a replay of an hour-old delivery
        {"timestamp": "soon"},
    ],
)
def test_the_verifier_refuses_a_forged_changed_or_replayed_delivery(signed, change):
    secret, body, timestamp, sig = signed
    values = {"secret": secret, "body": body, "timestamp": timestamp, "sig": sig, **change}
    assert not verify(values["secret"], values["timestamp"], values["sig"], values["body"])


def test_a_private_receiver_is_refused_at_sending_time_too(app, make_poll, receiver):
    """A URL stored before the rule (or by hand) is checked again before each delivery."""
    hook = receiver()
    register(app, hook.url, [POLL_CLOSED])  # http://127.0.0.1:…, stored directly
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    close(app, make_poll())
    run_queue(app)
    assert hook.received == []
    [delivery] = deliveries(app)
    assert delivery.status == DELIVERY_FAILED and delivery.last_error.startswith(
        "Not sent: Please give an https"
    )


@pytest.mark.parametrize("threads", ["0", "17", "many"])
def test_the_worker_command_refuses_a_bad_thread_count(runner, threads):
    result = runner.invoke(args=["alerts", "work", "--threads", threads])
    assert result.exit_code == 2 and "--threads" in result.output

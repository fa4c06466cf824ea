"""The review digest, sent to a real SMTP server on loopback (aiosmtpd) and read back."""

import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from poll.alerts.digest import period_start, queue_counts, save_settings, send_due_digests
from poll.database.column_types import utcnow
from poll.database.models import COMMENT_REJECTED, Moderator
from poll.debate.appeals import appeal_rejection
from poll.extensions import db
from poll.polls.finding import poll_by_slug

UNCIVIL = "These people are animals and should be wiped off the map."


class Inbox:
    """Keeps every message the SMTP server is handed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
        return "250 OK"


@pytest.fixture
def inbox(app):
    handler = Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd's Controller checks itself by connecting to it)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_STARTTLS=False,
        MAIL_FROM="Debate Poll <alerts@polls.example.org>",
    )
    yield handler
    controller.stop()


def wants_digest(app, username="mo", schedule="hourly", hour=None, email="mo@example.org"):
    with app.app_context():
        moderator = db.session.execute(db.select(Moderator).filter_by(username=username)).scalar_one()
        save_settings(moderator, email, schedule, hour, utcnow())
        db.session.commit()


@pytest.fixture
def waiting(app, make_comment, debate_poll):
    """Two comments held for review (one uncivil) and an appeal."""
    make_comment("Talks are the way forward.")
    make_comment(UNCIVIL, voter="u" * 32)
    rejected = make_comment("Sanctions first.", voter="r" * 32, status=COMMENT_REJECTED)
    with app.app_context():
        appeal_rejection(poll_by_slug(debate_poll), rejected, "r" * 32, "Please look again.", utcnow())
        db.session.commit()


def test_a_due_moderator_is_sent_the_counts_and_a_link_once_per_period(app, accounts, inbox, waiting):
    wants_digest(app)
    with app.app_context():
        assert send_due_digests(utcnow()) == 1
        assert send_due_digests(utcnow()) == 0  # the same hour: never twice
    [(recipients, message)] = inbox.messages
    assert recipients == ["mo@example.org"] and message["To"] == "mo@example.org"
    assert message["Subject"] == (
        "Debate Poll review digest: 2 comments await review, 1 appeal, 1 flagged uncivil"
    )
    body = message.get_content()
    assert "2 comments await review, 1 appeal, 1 flagged uncivil." in body
    assert "https://polls.example.org/admin/" in body


def test_the_next_period_sends_again(app, accounts, inbox, waiting):
    wants_digest(app)
    with app.app_context():
        now = utcnow()
        assert send_due_digests(now) == 1
        assert send_due_digests(now + timedelta(hours=1)) == 1
    assert len(inbox.messages) == 2


def test_nothing_is_sent_when_nothing_waits(app, accounts, inbox):
    wants_digest(app)
    with app.app_context():
        assert send_due_digests(utcnow()) == 0
        assert (
            db.session.execute(db.select(Moderator.digest_sent_at).filter_by(username="mo")).scalar() is None
        )
    assert inbox.messages == []


def test_only_moderators_who_asked_are_sent_one(app, accounts, inbox, waiting):
    wants_digest(app, "ada", schedule="off")
    with app.app_context():
        assert send_due_digests(utcnow()) == 0
    assert inbox.messages == []


def test_the_command_sends_the_due_digests(app, accounts, inbox, waiting, runner):
    wants_digest(app)
    result = runner.invoke(args=["alerts", "send-digests"])
    assert result.exit_code == 0 and "Sent 1 digest." in result.output
    assert len(inbox.messages) == 1
    again = runner.invoke(args=["alerts", "send-digests"])
    assert "Sent 0 digests." in again.output


def test_the_command_says_what_is_missing_without_a_mail_server(app, runner):
    result = runner.invoke(args=["alerts", "send-digests"])
    assert result.exit_code == 2 and "SMTP_HOST" in result.output


def test_a_mail_server_that_is_down_leaves_the_period_unsent(app, accounts, inbox, waiting):
    wants_digest(app)
    app.config["SMTP_PORT"] = 9  # nothing listens there
    with app.app_context():
        assert send_due_digests(utcnow()) == 0
        assert (
            db.session.execute(db.select(Moderator.digest_sent_at).filter_by(username="mo")).scalar() is None
        )


def test_queue_counts(app, waiting):
    with app.app_context():
        counts = queue_counts()
    assert (counts.awaiting, counts.appeals, counts.uncivil) == (2, 1, 1)


@pytest.mark.parametrize(
    "schedule, hour, now, start",
    [
        ("hourly", None, datetime(2026, 3, 1, 14, 35, tzinfo=UTC), datetime(2026, 3, 1, 14, tzinfo=UTC)),
        ("daily", 9, datetime(2026, 3, 1, 14, 35, tzinfo=UTC), datetime(2026, 3, 1, 0, tzinfo=UTC)),
        ("daily", 9, datetime(2026, 3, 1, 23, 59, tzinfo=UTC), datetime(2026, 3, 1, 0, tzinfo=UTC)),
        ("daily", 9, datetime(2026, 3, 2, 0, 1, tzinfo=UTC), datetime(2026, 3, 2, 0, tzinfo=UTC)),
        ("daily", 9, datetime(2026, 3, 1, 20, 0, tzinfo=UTC), datetime(2026, 3, 1, 0, tzinfo=UTC)),
        ("off", None, datetime(2026, 3, 1, 14, 35, tzinfo=UTC), None),
    ],
)
def test_period_start_in_the_newsrooms_zone(schedule, hour, now, start):
    # Asia/Seoul is UTC+9: 09:00 there is 00:00 UTC.
    assert period_start(schedule, hour, now, "Asia/Seoul") == start


def test_the_workers_periodic_check_sends_the_due_digests(app, accounts, inbox, waiting):
    from poll.alerts.tasks import alert_queue

    wants_digest(app)
    checks = alert_queue(app).periodic_checks
    assert checks.call_local() == (0, 1)  # no burst or close to announce; one digest
    assert checks.call_local() == (0, 0)
    assert len(inbox.messages) == 1


def test_the_periodic_check_sends_no_digest_without_a_mail_server(app, accounts, waiting):
    from poll.alerts.tasks import alert_queue

    wants_digest(app)
    assert alert_queue(app).periodic_checks.call_local() == (0, 0)

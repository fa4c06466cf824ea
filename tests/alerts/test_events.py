"""Where each event comes from: posting, tagging, appeals, vote bursts, closing; and which URLs
may receive them."""

import json

import pytest

from poll.alerts.addresses import url_problem
from poll.alerts.bursts import announce_vote_bursts
from poll.alerts.events import (
    COMMENT_APPEALED,
    COMMENT_AWAITING_REVIEW,
    COMMENT_FLAGGED_UNCIVIL,
    EVENTS,
    VOTE_BURST,
)
from poll.database.column_types import utcnow
from poll.database.models import COMMENT_APPROVED, COMMENT_REJECTED, Comment, WebhookDelivery
from poll.debate.appeals import appeal_rejection
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote
from tests.alerts.conftest import register

UNCIVIL = "These people are animals and should be wiped off the map."
VOTER = "v" * 32


def sent(app) -> list[tuple[str, dict]]:
    with app.app_context():
        rows = db.session.execute(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars()
        return [(row.event, json.loads(row.body)) for row in rows]


@pytest.fixture
def hooked(app):
    """An endpoint for every event (nothing listens: these tests read the stored deliveries)."""
    register(app, "http://127.0.0.1:9/hook", list(EVENTS))
    return app


def test_a_comment_held_for_review_is_announced_with_links_and_no_voter_data(hooked, make_comment):
    comment_id = make_comment("Talks are the way forward.", ip="203.0.113.9")
    [(event, body)] = sent(hooked)
    assert event == COMMENT_AWAITING_REVIEW and body["event"] == event
    assert body["data"]["comment_id"] == comment_id
    assert body["data"]["links"]["queue"] == f"https://polls.example.org/admin/?comment={comment_id}"
    text = json.dumps(body)
    assert VOTER not in text and "203.0.113.9" not in text and "Talks are" not in text
    assert set(body) == {"event", "id", "occurred_at", "data"}


def test_an_uncivil_comment_is_announced_as_such(hooked, make_comment):
    comment_id = make_comment(UNCIVIL)
    events = [event for event, _ in sent(hooked)]
    assert events == [COMMENT_AWAITING_REVIEW, COMMENT_FLAGGED_UNCIVIL]
    assert sent(hooked)[1][1]["data"]["comment_id"] == comment_id


def test_an_appeal_is_announced(hooked, make_comment, debate_poll):
    comment_id = make_comment("Talks are the way forward.", voter=VOTER, status=COMMENT_REJECTED)
    with hooked.app_context():
        appeal_rejection(poll_by_slug(debate_poll), comment_id, VOTER, "Please read it again.", utcnow())
        db.session.commit()
    assert [event for event, _ in sent(hooked)][-1] == COMMENT_APPEALED


def test_nothing_is_stored_without_a_subscribed_endpoint(app, make_comment):
    make_comment(UNCIVIL)
    assert sent(app) == []


def test_a_vote_burst_is_announced_once(hooked, make_poll):
    slug = make_poll()
    hooked.config["VOTE_BURST_THRESHOLD"] = 3
    with hooked.app_context():
        poll = poll_by_slug(slug)
        for number in range(3):
            cast_vote(poll, poll.choices[0], f"{number:032d}", utcnow(), ip_hash="h" * 64)
        db.session.commit()
        assert announce_vote_bursts(utcnow()) == 1
        db.session.commit()
        assert announce_vote_bursts(utcnow()) == 0  # the same burst, checked again
        db.session.commit()
    [(event, body)] = sent(hooked)
    assert event == VOTE_BURST and body["data"]["new_voters"] == 3 and body["data"]["poll_slug"] == slug
    assert "h" * 8 not in json.dumps(body)  # not even a piece of the address hash


def test_fewer_new_voters_than_the_threshold_are_no_burst(hooked, make_poll):
    slug = make_poll()
    with hooked.app_context():
        poll = poll_by_slug(slug)
        for number in range(3):
            cast_vote(poll, poll.choices[0], f"{number:032d}", utcnow(), ip_hash="h" * 64)
        db.session.commit()
        assert announce_vote_bursts(utcnow()) == 0  # the threshold is 20


def test_approved_comments_are_not_announced_as_awaiting_review(hooked, make_poll):
    from poll.debate.comments import post_comment
    from poll.polls.editing import create_poll

    with hooked.app_context():
        poll = create_poll("post", "Post", "Which?", [("a", "A"), ("b", "B")], moderation_mode="post")
        db.session.commit()
        comment = post_comment(poll, VOTER, "Talks are the way forward.", "", "", utcnow())
        db.session.commit()
        assert db.session.get(Comment, comment.id).status == COMMENT_APPROVED
    assert sent(hooked) == []


@pytest.mark.parametrize(
    "url, allow_private, problem",
    [
        ("https://hooks.example.org/debate", False, None),
        ("https://93.184.215.14:8443/x", False, None),
        ("http://hooks.example.org/debate", False, "https://"),
        ("ftp://hooks.example.org/", True, "http(s)://"),
        ("https://127.0.0.1/hook", False, "private"),
        ("https://10.1.2.3/hook", False, "private"),
        ("https://169.254.169.254/latest/meta-data", False, "private"),
        ("https://[::1]/hook", False, "private"),
        ("https://[::ffff:192.168.0.1]/hook", False, "private"),
        ("https://localhost/hook", False, "own network"),
        ("http://127.0.0.1:8000/hook", True, None),
        ("https://user:pw@hooks.example.org/", False, "passwords"),
        ("https://hooks.example.org:99999/", False, "port"),
        ("https:///nohost", False, "host name"),
        ("https://hooks.example.org/a b", False, "spaces"),
        ("https://hooks.example.org/" + "a" * 500, False, "500 characters"),
        ("javascript:alert(1)", False, "https://"),
    ],
)
def test_webhook_urls_must_be_https_to_a_public_address(url, allow_private, problem):
    found = url_problem(url, allow_private)
    assert (found is None) if problem is None else (problem in found)


def test_a_comment_the_tagging_worker_finds_uncivil_is_announced_then(hooked, debate_poll):
    """Queued tagging: the comment is stored untagged (announced as awaiting review), and the
    tagging task's own transaction announces it uncivil, once, however often it is tagged."""
    from poll.debate.comments import post_comment, tag_stored_comments

    with hooked.app_context():
        comment = post_comment(poll_by_slug(debate_poll), VOTER, UNCIVIL, "", "", utcnow(), tag_now=False)
        db.session.commit()
        assert [event for event, _ in sent(hooked)] == [COMMENT_AWAITING_REVIEW]
        for _ in range(2):
            tag_stored_comments([comment.id])
            db.session.commit()
    assert [event for event, _ in sent(hooked)] == [COMMENT_AWAITING_REVIEW, COMMENT_FLAGGED_UNCIVIL]


def test_a_scheduled_close_is_announced_once_and_an_editors_close_not_again(hooked, make_poll):
    from datetime import timedelta

    from poll.alerts.closes import announce_scheduled_closes
    from poll.alerts.events import POLL_CLOSED
    from poll.polls.editing import close_poll

    now = utcnow()
    scheduled = make_poll(
        "scheduled", opens_at=now - timedelta(hours=2), closes_at=now - timedelta(minutes=3)
    )
    make_poll("long-ago", opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=2))
    make_poll("still-open", closes_at=now + timedelta(hours=1))
    by_hand = make_poll("by-hand")
    with hooked.app_context():
        close_poll(poll_by_slug(by_hand), None, utcnow())
        db.session.commit()
        assert announce_scheduled_closes(utcnow()) == 1
        db.session.commit()
        assert announce_scheduled_closes(utcnow()) == 0
    slugs = [body["data"]["poll_slug"] for event, body in sent(hooked) if event == POLL_CLOSED]
    assert slugs == [by_hand, scheduled]

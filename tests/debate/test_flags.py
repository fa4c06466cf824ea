"""Automatic flags: blocked words of both kinds, and bursts that mean a flood."""

from datetime import timedelta

import pytest

from poll.database.column_types import utcnow
from poll.database.models import (
    BLOCKED_BANNED,
    BLOCKED_SUSPECT,
    COMMENT_APPROVED,
    COMMENT_PENDING,
    FLAG_BLOCKED_WORD,
    FLAG_BURST,
    BlockedWord,
)
from poll.debate.comments import post_comment
from poll.debate.flags import contains_blocked_phrase, must_be_reviewed
from poll.extensions import db
from poll.polls.finding import poll_by_slug


@pytest.mark.parametrize(
    "body, found",
    [
        ("He is an idiot.", True),
        ("He is an IDIOT!", True),
        ("He is an id\u200biot", True),  # zero-width space
        ("He is an id\u00adiot", True),  # soft hyphen
        ("He is an i\u200dd\u2060iot", True),  # joiner, word joiner
        ("Idiotic policy", False),  # whole words only
        ("Nothing to see", False),
    ],
)
def test_blocked_phrases_are_found_through_invisible_characters(body, found):
    assert contains_blocked_phrase(body, ["idiot"]) is found


def test_a_phrase_with_spaces_matches_across_spacing():
    assert contains_blocked_phrase("nuke   them\nall", ["nuke them"])


@pytest.fixture
def post_moderated(app, make_poll):
    slug = make_poll("open-debate", moderation_mode="post")
    with app.app_context():
        db.session.add_all(
            [
                BlockedWord(phrase="idiot", kind=BLOCKED_BANNED),
                BlockedWord(phrase="traitor", kind=BLOCKED_SUSPECT),
            ]
        )
        db.session.commit()
    return slug


def post(app, slug, body, voter="v" * 32, ip="", now=None):
    with app.app_context():
        comment = post_comment(poll_by_slug(slug), voter, body, "", ip, now or utcnow())
        db.session.commit()
        return comment.status, comment.flag_names


def test_a_banned_word_holds_the_comment_even_on_a_post_moderated_poll(app, post_moderated):
    status, flags = post(app, post_moderated, "The minister is an idiot.")
    assert status == COMMENT_PENDING and FLAG_BLOCKED_WORD in flags
    assert post(app, post_moderated, "The minister is an id\u200biot.")[0] == COMMENT_PENDING


def test_a_suspect_word_only_flags(app, post_moderated):
    status, flags = post(app, post_moderated, "Some call him a traitor.")
    assert status == COMMENT_APPROVED and FLAG_BLOCKED_WORD in flags
    status, flags = post(app, post_moderated, "Talks are worth it.")
    assert status == COMMENT_APPROVED and FLAG_BLOCKED_WORD not in flags


def test_must_be_reviewed_reads_only_banned_words(app, post_moderated):
    with app.app_context():
        assert must_be_reviewed("what an idiot")
        assert not must_be_reviewed("what a traitor")


def test_readers_behind_one_address_are_not_a_burst(app, make_poll):
    """33 readers behind one newsroom address, a comment every two minutes: no burst."""
    slug = make_poll("busy", opens_at=utcnow() - timedelta(days=1))
    start = utcnow() - timedelta(hours=2)
    flagged = [
        FLAG_BURST
        in post(
            app,
            slug,
            f"Reader {n} thinks talks help.",
            voter=f"{n:032d}",
            ip="office",
            now=start + timedelta(minutes=2 * n),
        )[1]
        for n in range(33)
    ]
    assert not any(flagged)


def test_one_browser_writing_a_lot_is_a_burst_from_its_fourth_comment(app, make_poll):
    slug = make_poll("busy")
    start = utcnow() - timedelta(minutes=30)
    flagged = [
        FLAG_BURST in post(app, slug, f"Again {n}", now=start + timedelta(minutes=n))[1] for n in range(5)
    ]
    assert flagged == [False, False, False, True, True]


def test_many_fresh_browsers_from_one_address_at_once_are_a_burst(app, make_poll):
    """A script dropping its cookie: a comment every ten seconds, each from a new browser."""
    slug = make_poll("busy")
    start = utcnow() - timedelta(minutes=30)
    flagged = [
        FLAG_BURST
        in post(app, slug, f"Spam {n}", voter=f"{n:032d}", ip="bot", now=start + timedelta(seconds=10 * n))[1]
        for n in range(12)
    ]
    assert flagged == [False] * 9 + [True] * 3


def test_a_conversation_of_two_on_one_address_is_not_a_burst(app, make_poll):
    slug = make_poll("busy")
    start = utcnow() - timedelta(minutes=30)
    flagged = [
        FLAG_BURST
        in post(app, slug, f"Turn {n}", voter=f"{n % 2:032d}", ip="home", now=start + timedelta(minutes=n))[1]
        for n in range(6)
    ]
    assert flagged == [False] * 6

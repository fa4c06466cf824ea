"""Comment rules, without HTTP."""

import pytest

from poll.database.column_types import utcnow
from poll.database.models import FLAG_STANCE_VOTE_MISMATCH, MODERATION_POST
from poll.debate.comments import post_comment
from poll.debate.flags import refresh_tag_flags, stance_contradicts_vote
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote


@pytest.mark.parametrize(
    "stance, vote, expected",
    [
        ("military", "diplomacy", True),
        ("diplomacy", "military", True),
        ("military", "military", False),
        ("neutral", "military", False),
        ("military", "undecided", False),
        ("military", None, False),
    ],
)
def test_stance_contradicts_vote(stance, vote, expected):
    assert stance_contradicts_vote(stance, vote) is expected


def test_flag_follows_a_corrected_tag(app, debate_poll):
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        cast_vote(poll, poll.choice_by_key("diplomacy"), "v" * 32, utcnow())
        comment = post_comment(
            poll,
            "v" * 32,
            "Talks have failed for thirty years. Shoot down every missile they fire and hit the launch pads before the next one.",
            "",
            "",
            utcnow(),
        )
        assert comment.flag_names == [FLAG_STANCE_VOTE_MISMATCH]
        comment.stance = "diplomacy"
        refresh_tag_flags(comment)
        assert comment.flag_names == []
        db.session.commit()


def test_post_moderated_poll_publishes_at_once(app, make_poll):
    slug = make_poll(moderation_mode=MODERATION_POST)
    with app.app_context():
        comment = post_comment(poll_by_slug(slug), "v" * 32, "Talks now.", "", "", utcnow())
        assert comment.status == "approved"
        assert comment.author_choice is None

"""The queue's order and stance filters: unscored comments need a look, unsure guesses file nowhere."""

from datetime import timedelta

import pytest

from poll.database.column_types import utcnow
from poll.database.models import COMMENT_PENDING, MODERATION_PRE, Comment
from poll.debate.moderation import QueueFilters, queue_query
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.vocabulary import UNCERTAIN, UNCERTAIN_BELOW


@pytest.fixture
def queued(app, make_poll):
    """Four pending comments, tags set by hand, oldest first."""
    slug = make_poll("queue-order", moderation_mode=MODERATION_PRE)
    rows = {
        "civil, sure hawk": dict(incivility=0.05, stance="military", stance_confidence=UNCERTAIN_BELOW + 0.1),
        "unscored Korean": dict(incivility=None, stance="unknown", stance_confidence=0.0, language="ko"),
        "unsure hawk": dict(incivility=0.10, stance="military", stance_confidence=UNCERTAIN_BELOW - 0.1),
        "uncivil": dict(incivility=0.95, stance="neutral", stance_confidence=0.9),
    }
    with app.app_context():
        poll = poll_by_slug(slug)
        start = utcnow() - timedelta(hours=1)
        for minute, (body, tags) in enumerate(rows.items()):
            db.session.add(
                Comment(
                    poll=poll,
                    voter_id=f"{minute:032d}",
                    body=body,
                    status=COMMENT_PENDING,
                    sentiment="neutral",
                    compound=0.0,
                    created_at=start + timedelta(minutes=minute),
                    tagger_version="test",
                    **{"language": "en", **tags},
                )
            )
        db.session.commit()
        yield


def bodies(filters: QueueFilters) -> list[str]:
    return [comment.body for comment in db.session.execute(queue_query(filters)).scalars()]


def test_a_comment_without_an_incivility_score_is_not_presumed_civil(app, queued):
    assert bodies(QueueFilters()) == ["unscored Korean", "uncivil", "unsure hawk", "civil, sure hawk"]


def test_a_stance_filter_lists_sure_stances_and_uncertain_lists_the_rest(app, queued):
    assert bodies(QueueFilters(stance="military")) == ["civil, sure hawk"]
    assert bodies(QueueFilters(stance=UNCERTAIN)) == ["unsure hawk"]

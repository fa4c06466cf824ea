"""Results over time (poll/polls/tally_series.py)."""

from datetime import UTC, datetime

from poll.database.models import VOTE_VOID, Vote
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.tally_series import tally_series


def add_vote(poll, key: str, voter: str, when: datetime, status: str = "counted") -> None:
    db.session.add(
        Vote(
            poll_id=poll.id,
            choice_id=poll.choice_by_key(key).id,
            voter_id=voter,
            created_at=when,
            status=status,
        )
    )


def test_cumulative_totals_per_day_leave_out_void_votes(app, make_poll):
    slug = make_poll()
    with app.app_context():
        poll = poll_by_slug(slug)
        assert tally_series(poll) == []
        add_vote(poll, "a", "v1", datetime(2026, 12, 1, 9, tzinfo=UTC))
        add_vote(poll, "a", "v2", datetime(2026, 12, 1, 23, 59, tzinfo=UTC))
        add_vote(poll, "b", "v3", datetime(2026, 12, 3, 0, 1, tzinfo=UTC))
        add_vote(poll, "b", "v4", datetime(2026, 12, 3, 5, tzinfo=UTC), status=VOTE_VOID)
        add_vote(poll, "c", "v5", datetime(2026, 12, 4, 5, tzinfo=UTC), status=VOTE_VOID)
        db.session.commit()
        series = tally_series(poll)
    assert [(day.day, day.totals, day.total) for day in series] == [
        ("2026-12-01", {"a": 2, "b": 0, "c": 0}, 2),
        ("2026-12-03", {"a": 2, "b": 1, "c": 0}, 3),
    ]

"""Results over time: each choice's running total at the end of every UTC day that had votes, for the
API's results and the reader's page. Counted from the votes themselves (void ones left out), in one
GROUP BY query, by the day each vote was first cast (a changed vote counts for its new choice)."""

from dataclasses import dataclass

from sqlalchemy import func

from poll.database.column_types import utc_text
from poll.database.models import VOTE_VOID, Poll, Vote
from poll.extensions import db


@dataclass(frozen=True)
class TallyDay:
    day: str  # "2026-12-06", UTC
    totals: dict[str, int]  # choice key -> votes cast up to the end of that day
    total: int


def tally_series(poll: Poll) -> list[TallyDay]:
    """Cumulative totals per choice, one entry per UTC day on which votes were cast, oldest first."""
    day = utc_text(Vote.created_at, "day").label("day")
    rows = db.session.execute(
        db.select(day, Vote.choice_id, func.count())
        .where(Vote.poll_id == poll.id, Vote.status != VOTE_VOID)
        .group_by(day, Vote.choice_id)
        .order_by(day)
    ).all()
    key_of = {choice.id: choice.key for choice in poll.choices}
    running = dict.fromkeys(key_of.values(), 0)
    series: list[TallyDay] = []
    for when, choice_id, count in rows:
        if choice_id in key_of:
            running[key_of[choice_id]] += count
        if not series or series[-1].day != when:
            series.append(TallyDay(when, {}, 0))
        series[-1] = TallyDay(when, dict(running), sum(running.values()))
    return series

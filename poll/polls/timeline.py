"""How a poll's tally moved: each choice's counted votes, added up hour by hour or day by day, for the
chart and table on the poll page where the results are public (``ResultsSnapshot.results_are_public``).

A vote is placed at the time it was first cast (``Vote.created_at``) under the choice it holds now: a
reader who changed their mind moves their whole line, back to that first time, to the new choice. The
series is what the current tally is made of, spread over time, not a record of every change. Void
votes are left out, as they are from the tally."""

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from threading import Lock
from time import monotonic
from typing import Literal

from flask import current_app
from sqlalchemy import bindparam, func, select

from poll.database.column_types import utc_text
from poll.database.models import VOTE_COUNTED, Choice, Poll, Vote
from poll.extensions import db
from poll.polls.results import ResultsSnapshot, Tally, whole_percentages

# Hour by hour while all the votes so far fall within two days (a young poll: by day it would be one or
# two points, a flat line that hides the morning's swing); day by day past that, when hours would be
# more points than a phone's width can tell apart and days are how readers follow a story.
HOURLY_SPAN = timedelta(hours=48)

# One statement, the same on SQLite and PostgreSQL: counted votes per UTC hour (text the database
# writes, poll.database.column_types.utc_text) and choice. Days are added up from hours in Python.
_HOUR = utc_text(Vote.created_at, "hour").label("hour")
_SERIES_QUERY = (
    select(_HOUR, Choice.key, func.count().label("votes"))
    .select_from(Vote)
    .join(Poll, Poll.id == Vote.poll_id)
    .join(Choice, Choice.id == Vote.choice_id)
    .where(Poll.slug == bindparam("slug"), Vote.status == VOTE_COUNTED)
    .group_by("hour", Choice.key)
    .order_by("hour")
)


@dataclass(frozen=True)
class SeriesPoint:
    """The tally at the end of one hour or day: each choice's votes so far, in the poll's order."""

    starts_at: datetime  # the bucket's start, UTC
    votes: tuple[int, ...]
    # Whether votes first cast in this bucket are among them (the table lists only such rows).
    changed: bool

    @property
    def total(self) -> int:
        return sum(self.votes)

    @property
    def percents(self) -> list[int]:
        return whole_percentages(list(self.votes))


# Compared by identity: a kept page (poll.web.page_cache) is drawn once per series read.
@dataclass(frozen=True, eq=False)
class TallySeries:
    step: Literal["hour", "day"]
    labels: tuple[str, ...]
    points: tuple[SeriesPoint, ...]

    @property
    def changes(self) -> list[SeriesPoint]:
        """The points where votes came in, for the table (a quiet week is not seven equal rows)."""
        return [point for point in self.points if point.changed]

    def lines(self) -> list[str]:
        """Each choice's share over time as SVG polyline points in a 100 × 100 box (y down: 100 is 0 %)."""
        last = max(len(self.points) - 1, 1)
        return [
            " ".join(
                f"{index * 100 / last:.2f},{100 - 100 * point.votes[choice] / (point.total or 1):.2f}"
                for index, point in enumerate(self.points)
            )
            for choice in range(len(self.labels))
        ]

    @property
    def drawable(self) -> bool:
        """A line needs two points: votes in one hour only say no more than the tally does."""
        return len(self.points) >= 2


def _hour_start(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:00").replace(tzinfo=UTC)


def series_of(
    keys: Sequence[str], labels: Sequence[str], rows: Sequence[tuple[str, str, int]]
) -> TallySeries:
    """The series of (UTC hour text, choice key, votes) rows, for choices ``keys`` in the poll's order."""
    position = {key: index for index, key in enumerate(keys)}
    hourly: dict[datetime, list[int]] = {}
    for hour, key, votes in rows:
        if key in position:
            hourly.setdefault(_hour_start(str(hour)), [0] * len(keys))[position[key]] += votes
    if not hourly:
        return TallySeries("hour", tuple(labels), ())
    first, last = min(hourly), max(hourly)
    step: Literal["hour", "day"] = "hour" if last - first <= HOURLY_SPAN else "day"
    added: dict[datetime, list[int]] = {}
    for start_of_hour, counts in hourly.items():
        bucket = start_of_hour if step == "hour" else start_of_hour.replace(hour=0)
        into = added.setdefault(bucket, [0] * len(keys))
        for index, count in enumerate(counts):
            into[index] += count
    size = timedelta(hours=1) if step == "hour" else timedelta(days=1)
    start = first if step == "hour" else first.replace(hour=0)
    end = last if step == "hour" else last.replace(hour=0)
    so_far = [0] * len(keys)
    points = []
    moment = start
    while moment <= end:
        new = added.get(moment)
        if new:
            so_far = [before + count for before, count in zip(so_far, new, strict=True)]
        points.append(SeriesPoint(moment, tuple(so_far), changed=new is not None))
        moment += size
    return TallySeries(step, tuple(labels), tuple(points))


def tally_series(poll: ResultsSnapshot | Poll) -> TallySeries:
    """How ``poll``'s counted votes added up over time (one GROUP BY statement): the poll page's chart
    and the API's results (``poll.api.polls``) read the same series."""
    rows = [(hour, key, votes) for hour, key, votes in db.session.execute(_SERIES_QUERY, {"slug": poll.slug})]
    choices = poll.choices
    return series_of([choice.key for choice in choices], [choice.label for choice in choices], rows)


# Kept per process ------------------------------------------------------------------------------------
#
# The poll page is drawn from one statement (poll.web.page_cache keeps it per results snapshot); the
# series must not add a GROUP BY over all of a poll's votes to every request. It is read again when the
# tally has moved (a vote, a changed vote, a void or a restore), but at most once per REFRESH_AFTER per
# poll: on a busy poll the chart may trail the live tally above it by that much. It is also read again
# after KEPT_AT_MOST, for what leaves the tally as it was (two readers swapping their votes). A read
# that took long (a poll of a million votes) waits READS_APART times as long as it took before the
# next, so that the chart never costs a process more than about 1 % of its time in the database.
REFRESH_AFTER = 30.0  # seconds
KEPT_AT_MOST = 600.0  # seconds
READS_APART = 100
POLLS_KEPT = 128
EXTENSION = "tally_series"


@dataclass(frozen=True)
class _Kept:
    tally: Tally
    read_at: float
    series: TallySeries
    took: float  # seconds


# A poll's address and its choices (keys and labels): a renamed poll, a new poll at an old address, or a
# choice added or reworded is another series, never the one kept for the old.
_CacheKey = tuple[str, tuple[tuple[str, str], ...]]


class SeriesCache:
    """Each poll's last series read, with the tally it was read beside."""

    def __init__(self) -> None:
        self._kept: OrderedDict[_CacheKey, _Kept] = OrderedDict()
        self._lock = Lock()

    def series(self, poll: ResultsSnapshot) -> TallySeries:
        now = monotonic()
        key = (poll.slug, tuple((choice.key, choice.label) for choice in poll.choices))
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None:
            age, spacing = now - kept.read_at, kept.took * READS_APART
            if age < max(KEPT_AT_MOST, spacing) and (
                kept.tally == poll.tally or age < max(REFRESH_AFTER, spacing)
            ):
                return kept.series
        series = tally_series(poll)
        took = monotonic() - now
        with self._lock:
            self._kept[key] = _Kept(poll.tally, now, series, took)
            self._kept.move_to_end(key)
            while len(self._kept) > POLLS_KEPT:
                self._kept.popitem(last=False)
        return series


def kept_series(poll: ResultsSnapshot) -> TallySeries:
    """``poll``'s series, kept per process as described above: the poll page's chart and the API's
    results read it here, so a results board polling the API costs no more than readers do."""
    cache = current_app.extensions.get(EXTENSION)
    if cache is None:
        cache = current_app.extensions.setdefault(EXTENSION, SeriesCache())
    return cache.series(poll)


def page_series(poll: ResultsSnapshot) -> TallySeries | None:
    """The series the poll page draws for ``poll`` (its results public); None when there is nothing
    to draw."""
    series = kept_series(poll)
    return series if series.drawable else None

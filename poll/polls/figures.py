"""Figures for the per-poll dashboard."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func

from poll.database.column_types import utc_text
from poll.database.models import (
    COMMENT_PENDING,
    VOTE_COUNTED,
    VOTE_VOID,
    AuditEntry,
    Comment,
    Poll,
    Vote,
    VoteVoid,
)
from poll.extensions import db
from poll.polls.results import Tally, results_snapshot
from poll.polls.voids import BurstWindow, VoidError

BURST_WINDOW = timedelta(hours=24)
BURST_HOUR = timedelta(hours=1)
BURSTS_SHOWN = 20
VOIDS_SHOWN = 20
NOT_A_BURST = "That burst is not on this dashboard (any more). Please reload the page and choose one listed."


@dataclass(frozen=True)
class VoteBurst:
    """Many new voters from one address within one hour: cleared cookies or a
    script stuffing the ballot, or a newsroom, school or mobile network."""

    # The burst's first vote: what the void form names it by (never the address hash itself).
    id: int
    address: str
    hour: datetime  # the hour's start, UTC
    new_voters: int
    by_choice: list[tuple[str, int]]
    void: int

    @property
    def counted(self) -> int:
        return self.new_voters - self.void


@dataclass(frozen=True)
class ChoiceCounts:
    """One choice's votes: counted (the public tally), void, and all stored."""

    label: str
    counted: int
    void: int

    @property
    def stored(self) -> int:
        return self.counted + self.void


@dataclass(frozen=True)
class VoidedBurst:
    id: int
    address: str
    hour: datetime  # the hour's start, UTC
    votes: int
    still_void: int
    reason: str
    voided_by: str
    voided_at: datetime
    restored_by: str
    restored_at: datetime | None
    restore_reason: str


@dataclass(frozen=True)
class Dashboard:
    tally: Tally
    votes_over_time: list[tuple[str, int]]
    bucket: str
    timezone: str
    stance_by_sentiment: dict[tuple[str, str], int]
    queue_size: int
    moderator_activity: list[tuple[str, int]]
    vote_bursts: list[VoteBurst]
    burst_threshold: int
    counts_by_choice: list[ChoiceCounts]
    voided_bursts: list[VoidedBurst]


def _hour_start(bucket) -> datetime:
    """The UTC start of an hour bucket as the database labels it ("2026-12-02 14:00")."""
    return datetime.strptime(str(bucket), "%Y-%m-%d %H:00").replace(tzinfo=UTC)


# Gaps are filled with zeros so that the chart is a time axis; beyond this many
# buckets the oldest are left out (the export has every vote).
MOST_BUCKETS = {"hour": 72, "day": 366}


def votes_over_time(poll: Poll, now: datetime, zone: str = "UTC") -> tuple[list[tuple[str, int]], str]:
    """Votes per hour in a poll's first three days, per day after that (by first vote time),
    in the newsroom's time zone ``zone``, with a label for every bucket and empty ones included.

    The database counts per UTC hour (cheap, and the same on SQLite and
    PostgreSQL); hours are then moved into ``zone`` and, after three days,
    added up into its calendar days, so a day runs midnight to midnight there."""
    hourly = (min(now, poll.closes_at or now) - poll.opens_at).days < 3
    bucket = utc_text(Vote.created_at, "hour")
    rows = db.session.execute(
        db.select(bucket.label("bucket"), func.count())
        .where(Vote.poll_id == poll.id)
        .group_by("bucket")
        .order_by("bucket")
    ).all()
    local = ZoneInfo(zone)
    counts: dict[datetime, int] = {}
    for label, count in rows:
        start = _hour_start(label).astimezone(local)
        key = start if hourly else start.replace(hour=0, minute=0)
        counts[key.replace(tzinfo=None)] = counts.get(key.replace(tzinfo=None), 0) + count
    name = "hour" if hourly else "day"
    if not counts:
        return [], name
    step = timedelta(hours=1) if hourly else timedelta(days=1)
    last = max(counts)
    first = max(min(counts), last - step * (MOST_BUCKETS[name] - 1))
    series = []
    moment = first
    while moment <= last:
        label = f"{moment.day} {moment:%b %H:%M}" if hourly else f"{moment:%a} {moment.day} {moment:%b}"
        series.append((label, counts.get(moment, 0)))
        moment += step
    return series, name


def vote_bursts(poll: Poll, now: datetime, threshold: int) -> list[VoteBurst]:
    """The last day's hours in which one address brought ``threshold`` or more
    new voters, biggest first, with how those votes stand now (void or not)."""
    hour = utc_text(Vote.created_at, "hour").label("hour")
    per_choice = [func.count().filter(Vote.choice_id == choice.id) for choice in poll.choices]
    rows = db.session.execute(
        db.select(
            Vote.ip_hash,
            hour,
            func.count().label("new_voters"),
            func.min(Vote.id),
            func.count().filter(Vote.status == VOTE_VOID),
            *per_choice,
        )
        .where(Vote.poll_id == poll.id, Vote.created_at >= now - BURST_WINDOW, Vote.ip_hash.is_not(None))
        .group_by(Vote.ip_hash, hour)
        .having(func.count() >= threshold)
        .order_by(func.count().desc(), hour.desc())
        .limit(BURSTS_SHOWN)
    ).all()
    return [
        VoteBurst(
            id=row[3],
            address=row[0][:8],
            hour=_hour_start(row[1]),
            new_voters=row[2],
            void=row[4],
            by_choice=[(choice.label, count) for choice, count in zip(poll.choices, row[5:], strict=True)],
        )
        for row in rows
    ]


def burst_window(poll: Poll, burst_id: int | None, threshold: int) -> BurstWindow:
    """The burst that the dashboard named by its first vote, checked again
    here: a vote of this poll whose address brought ``threshold`` or more new
    voters in its hour. Anything else (a forged or stale id) is a VoidError."""
    first = db.session.get(Vote, burst_id) if burst_id is not None else None
    if first is None or first.poll_id != poll.id or first.ip_hash is None:
        raise VoidError(NOT_A_BURST)
    starts_at = first.created_at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    window = BurstWindow(poll.id, first.ip_hash, starts_at, starts_at + BURST_HOUR)
    new_voters = db.session.scalar(db.select(func.count()).select_from(Vote).where(*window.conditions()))
    if new_voters < threshold:
        raise VoidError(NOT_A_BURST)
    return window


def counts_by_choice(poll: Poll) -> list[ChoiceCounts]:
    """Counted and void votes per choice, counted from the votes themselves
    (the dashboard's check on the counters the public tally shows)."""
    rows = db.session.execute(
        db.select(Vote.choice_id, Vote.status, func.count())
        .where(Vote.poll_id == poll.id)
        .group_by(Vote.choice_id, Vote.status)
    ).all()
    counted = {choice_id: count for choice_id, status, count in rows if status == VOTE_COUNTED}
    void = {choice_id: count for choice_id, status, count in rows if status == VOTE_VOID}
    return [
        ChoiceCounts(choice.label, counted.get(choice.id, 0), void.get(choice.id, 0))
        for choice in poll.choices
    ]


def voided_bursts(poll: Poll) -> list[VoidedBurst]:
    """The poll's latest voids, newest first, with how many of their votes are still void."""
    still_void = (
        db.select(func.count())
        .where(Vote.void_id == VoteVoid.id, Vote.status == VOTE_VOID)
        .correlate(VoteVoid)
        .scalar_subquery()
    )
    # Votes lose their address hash after ADDRESS_RETENTION_DAYS; the void record never holds one.
    address = (
        db.select(func.min(Vote.ip_hash))
        .where(Vote.void_id == VoteVoid.id)
        .correlate(VoteVoid)
        .scalar_subquery()
    )
    records = db.session.execute(
        db.select(VoteVoid, still_void, address)
        .where(VoteVoid.poll_id == poll.id)
        .order_by(VoteVoid.voided_at.desc(), VoteVoid.id.desc())
        .limit(VOIDS_SHOWN)
    ).all()
    return [
        VoidedBurst(
            id=record.id,
            address=(hashed or "")[:8],
            hour=record.starts_at.astimezone(UTC),
            votes=record.votes,
            still_void=still,
            reason=record.reason,
            voided_by=record.voided_by.username if record.voided_by else "",
            voided_at=record.voided_at,
            restored_by=record.restored_by.username if record.restored_by else "",
            restored_at=record.restored_at,
            restore_reason=record.restore_reason,
        )
        for record, still, hashed in records
    ]


def dashboard(poll: Poll, now: datetime, burst_threshold: int, zone: str = "UTC") -> Dashboard:
    series, bucket = votes_over_time(poll, now, zone)
    grid = db.session.execute(
        db.select(Comment.effective_stance, Comment.sentiment, func.count())
        .where(Comment.poll_id == poll.id)
        .group_by(Comment.effective_stance, Comment.sentiment)
    ).all()
    activity = db.session.execute(
        db.select(AuditEntry.actor, func.count())
        .where(AuditEntry.poll_id == poll.id, AuditEntry.action.like("comment.%"))
        .group_by(AuditEntry.actor)
        .order_by(func.count().desc())
    ).all()
    queue_size = db.session.scalar(
        db.select(func.count())
        .select_from(Comment)
        .where(Comment.poll_id == poll.id, Comment.status == COMMENT_PENDING)
    )
    snapshot = results_snapshot(poll.slug, None)
    return Dashboard(
        tally=snapshot.tally if snapshot else Tally(total=0, choices=()),
        votes_over_time=series,
        bucket=bucket,
        timezone=zone,
        stance_by_sentiment={(stance, sentiment): count for stance, sentiment, count in grid},
        queue_size=queue_size,
        moderator_activity=[(actor, count) for actor, count in activity],
        vote_bursts=vote_bursts(poll, now, burst_threshold),
        burst_threshold=burst_threshold,
        counts_by_choice=counts_by_choice(poll),
        voided_bursts=voided_bursts(poll),
    )

"""Figures for the per-poll dashboard."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func

from ..extensions import db
from ..models import COMMENT_PENDING, AuditEntry, Comment, Poll, Vote
from .voting import Tally, results_snapshot

BURST_WINDOW = timedelta(hours=24)
BURSTS_SHOWN = 20


@dataclass(frozen=True)
class VoteBurst:
    """Many new voters from one address within one hour: cleared cookies or a
    script stuffing the ballot, or a newsroom, school or mobile network."""

    address: str
    hour: str
    new_voters: int
    by_choice: list[tuple[str, int]]


@dataclass(frozen=True)
class Dashboard:
    tally: Tally
    votes_over_time: list[tuple[str, int]]
    bucket: str
    stance_by_sentiment: dict[tuple[str, str], int]
    queue_size: int
    moderator_activity: list[tuple[str, int]]
    vote_bursts: list[VoteBurst]
    burst_threshold: int


def _bucket_expression(dialect: str, hourly: bool):
    if dialect == "postgresql":
        pattern = "YYYY-MM-DD HH24:00" if hourly else "YYYY-MM-DD"
        return func.to_char(func.timezone("UTC", Vote.created_at), pattern)
    return func.strftime("%Y-%m-%d %H:00" if hourly else "%Y-%m-%d", Vote.created_at)


def votes_over_time(poll: Poll, now: datetime) -> tuple[list[tuple[str, int]], str]:
    """Votes per hour in a poll's first three days, per day after that (by first vote time)."""
    hourly = (min(now, poll.closes_at or now) - poll.opens_at).days < 3
    bucket = _bucket_expression(db.session.get_bind().dialect.name, hourly)
    rows = db.session.execute(
        db.select(bucket.label("bucket"), func.count())
        .where(Vote.poll_id == poll.id)
        .group_by("bucket")
        .order_by("bucket")
    ).all()
    return [(str(label), count) for label, count in rows], "hour" if hourly else "day"


def vote_bursts(poll: Poll, now: datetime, threshold: int) -> list[VoteBurst]:
    """The last day's hours in which one address brought ``threshold`` or more
    new voters, biggest first, with how those votes stand now."""
    hour = _bucket_expression(db.session.get_bind().dialect.name, hourly=True).label("hour")
    per_choice = [func.count().filter(Vote.choice_id == choice.id) for choice in poll.choices]
    rows = db.session.execute(
        db.select(Vote.ip_hash, hour, func.count().label("new_voters"), *per_choice)
        .where(Vote.poll_id == poll.id, Vote.created_at >= now - BURST_WINDOW, Vote.ip_hash.is_not(None))
        .group_by(Vote.ip_hash, hour)
        .having(func.count() >= threshold)
        .order_by(func.count().desc(), hour.desc())
        .limit(BURSTS_SHOWN)
    ).all()
    return [
        VoteBurst(
            address=row[0][:8],
            hour=str(row[1]),
            new_voters=row[2],
            by_choice=[(choice.label, count) for choice, count in zip(poll.choices, row[3:], strict=True)],
        )
        for row in rows
    ]


def dashboard(poll: Poll, now: datetime, burst_threshold: int) -> Dashboard:
    series, bucket = votes_over_time(poll, now)
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
    return Dashboard(
        tally=results_snapshot(poll.slug, None).tally,
        votes_over_time=series,
        bucket=bucket,
        stance_by_sentiment={(stance, sentiment): count for stance, sentiment, count in grid},
        queue_size=queue_size,
        moderator_activity=[(actor, count) for actor, count in activity],
        vote_bursts=vote_bursts(poll, now, burst_threshold),
        burst_threshold=burst_threshold,
    )

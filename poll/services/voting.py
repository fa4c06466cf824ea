"""Casting votes and reading tallies."""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Choice, Poll, Vote


class VoteOutcome(Enum):
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


class PollClosedError(Exception):
    """The poll is not accepting votes right now."""


def _insert_for_dialect():
    name = db.session.get_bind().dialect.name
    return postgresql.insert if name == "postgresql" else sqlite.insert


def cast_vote(poll: Poll, choice: Choice, voter_id: str, now: datetime) -> VoteOutcome:
    """Record ``voter_id``'s vote for ``choice``; a later vote replaces an earlier one.

    The first statement is a write, so on SQLite the transaction takes the
    write lock before reading anything and cannot be overtaken; on PostgreSQL
    the unique (poll, voter) index makes a simultaneous twin wait, then find
    the row. Either way one voter never has two votes and the per-choice
    counters move in the same transaction as the vote.
    """
    if not poll.is_open(now):
        raise PollClosedError(poll.slug)
    if choice.poll_id != poll.id:
        raise ValueError("choice belongs to another poll")

    insert = _insert_for_dialect()
    new_vote_id = db.session.execute(
        insert(Vote)
        .values(poll_id=poll.id, choice_id=choice.id, voter_id=voter_id, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["poll_id", "voter_id"])
        .returning(Vote.id)
    ).scalar_one_or_none()
    if new_vote_id is not None:
        _shift_counts(add_to=choice.id)
        return VoteOutcome.CREATED

    vote = db.session.execute(
        db.select(Vote).filter_by(poll_id=poll.id, voter_id=voter_id).with_for_update()
    ).scalar_one()
    if vote.choice_id == choice.id:
        return VoteOutcome.UNCHANGED
    previous_choice_id = vote.choice_id
    vote.choice_id = choice.id
    vote.updated_at = now
    db.session.flush()
    _shift_counts(add_to=choice.id, take_from=previous_choice_id)
    return VoteOutcome.CHANGED


def _shift_counts(add_to: int, take_from: int | None = None) -> None:
    """Move one vote between counters, locking rows in id order so that two
    voters switching in opposite directions cannot deadlock."""
    deltas = {add_to: 1}
    if take_from is not None:
        deltas[take_from] = -1
    for choice_id in sorted(deltas):
        db.session.execute(
            update(Choice)
            .where(Choice.id == choice_id)
            .values(vote_count=Choice.vote_count + deltas[choice_id])
        )


def current_choice_key(poll: Poll, voter_id: str | None) -> str | None:
    """The key of the choice this voter picked, or None."""
    if voter_id is None:
        return None
    return db.session.execute(
        db.select(Choice.key)
        .join(Vote, Vote.choice_id == Choice.id)
        .where(Vote.poll_id == poll.id, Vote.voter_id == voter_id)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class ChoiceTally:
    key: str
    label: str
    votes: int
    percent: int


@dataclass(frozen=True)
class Tally:
    total: int
    choices: list[ChoiceTally]

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "choices": [vars(choice) for choice in self.choices],
        }


def whole_percentages(counts: list[int]) -> list[int]:
    """Percentages that add up to exactly 100 (largest remainder method),
    so a results table never shows 99% or 101%."""
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    exact = [count * 100 / total for count in counts]
    floors = [int(value) for value in exact]
    shortfall = 100 - sum(floors)
    by_remainder = sorted(range(len(counts)), key=lambda i: exact[i] - floors[i], reverse=True)
    for index in by_remainder[:shortfall]:
        floors[index] += 1
    return floors


def tally(poll: Poll) -> Tally:
    """Current results, read from the per-choice counters (one small query)."""
    rows = db.session.execute(
        db.select(Choice.key, Choice.label, Choice.vote_count)
        .where(Choice.poll_id == poll.id)
        .order_by(Choice.position, Choice.id)
    ).all()
    counts = [row.vote_count for row in rows]
    percents = whole_percentages(counts)
    return Tally(
        total=sum(counts),
        choices=[
            ChoiceTally(row.key, row.label, row.vote_count, percent)
            for row, percent in zip(rows, percents, strict=False)
        ],
    )

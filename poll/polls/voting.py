"""Casting votes and reading tallies."""

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, Table, and_, bindparam, select, text, update

from poll.accounts import audit
from poll.database.column_types import UTCDateTime
from poll.database.driver_sql import PreparedQuery, fetch_all
from poll.database.models import (
    COUNTER_SLOTS,
    RESULTS_ALWAYS,
    VOTE_COUNTED,
    VOTE_VOID,
    Choice,
    ChoiceLookup,
    EmbedSites,
    Moderator,
    Poll,
    Schedule,
    Vote,
    VoteVoid,
)
from poll.extensions import db
from poll.refusals import Refused


class VoteOutcome(Enum):
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


class PollClosedError(Refused):
    """The poll is not accepting votes right now; the message says why, for the reader."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 403)


def require_open_for_votes(poll: "Poll | Ballot", now: datetime) -> None:
    """The rule for taking a vote."""
    if not poll.is_open(now):
        reason = "has closed" if poll.has_closed(now) else "is not open yet"
        raise PollClosedError(f"This poll {reason}, so it cannot take votes.")


@dataclass(frozen=True)
class BallotChoice:
    id: int
    poll_id: int
    key: str
    label: str


@dataclass(frozen=True)
class Ballot(Schedule, ChoiceLookup):
    """What voting needs to know of a poll, read in one query, with whether
    the voter it was read for has a vote in it already."""

    id: int
    slug: str
    opens_at: datetime
    closes_at: datetime | None
    choices: tuple[BallotChoice, ...]
    has_my_vote: bool = False


def _poll_choices_and_my_vote(*columns):
    """A poll's columns with one row per choice, in order, and the id of the
    voter's vote where it is for that choice (``:slug``, ``:voter_id``)."""
    return (
        select(*columns, Vote.id.label("my_vote_id"))
        .join(Choice, Choice.poll_id == Poll.id)
        .outerjoin(
            Vote,
            and_(
                Vote.poll_id == Poll.id, Vote.voter_id == bindparam("voter_id"), Vote.choice_id == Choice.id
            ),
        )
        .where(Poll.slug == bindparam("slug"))
        .order_by(Choice.position, Choice.id)
    )


# One round trip through the driver's cursor: this read is behind every vote.
_BALLOT = PreparedQuery(
    _poll_choices_and_my_vote(
        Poll.id,
        Poll.slug,
        Poll.opens_at,
        Poll.closes_at,
        Choice.id.label("choice_id"),
        Choice.key,
        Choice.label,
    )
)


def ballot(slug: str, voter_id: str | None = None) -> Ballot | None:
    """The poll at ``slug`` as a ballot for ``voter_id``, or None if there is no such poll."""
    connection = db.session.connection()
    query = _BALLOT.for_dialect(connection.dialect)
    rows = query.converted(fetch_all(connection, query, {"slug": slug, "voter_id": voter_id or ""}))
    if not rows:
        return None
    at, poll = query.index_of, rows[0]  # the poll's columns are the same on every row
    return Ballot(
        id=poll[at["id"]],
        slug=poll[at["slug"]],
        opens_at=poll[at["opens_at"]],
        closes_at=poll[at["closes_at"]],
        choices=tuple(
            BallotChoice(row[at["choice_id"]], poll[at["id"]], row[at["key"]], row[at["label"]])
            for row in rows
        ),
        has_my_vote=any(row[at["my_vote_id"]] is not None for row in rows),
    )


_votes = cast(Table, Vote.__table__)  # typed FromClause; a model's table is a Table

# Statements are built once so that SQLAlchemy's compiled cache always hits:
# voting is the hottest write path.
_FIND_VOTE = (
    select(_votes.c.id, _votes.c.choice_id, _votes.c.status)
    .where(_votes.c.poll_id == bindparam("poll_id"), _votes.c.voter_id == bindparam("voter_id"))
    .with_for_update()
)
_MOVE_VOTE = (
    update(_votes)
    .where(_votes.c.id == bindparam("vote_id"))
    .values(choice_id=bindparam("choice_id"), updated_at=bindparam("now", type_=UTCDateTime()))
)
# One statement on both engines (text, so that it is cached: see _INSERT_VOTE):
# a slot row is made by the first vote that lands in it.
_SHIFT_COUNT = text(
    "INSERT INTO choice_vote_slot (choice_id, slot, vote_count) VALUES (:target_id, :slot, :delta)"
    " ON CONFLICT (choice_id, slot)"
    " DO UPDATE SET vote_count = choice_vote_slot.vote_count + excluded.vote_count"
)


def _shift(connection, choice_id: int, delta: int) -> None:
    """Add ``delta`` to one of the choice's counters, chosen at random."""
    connection.execute(
        _SHIFT_COUNT, {"target_id": choice_id, "slot": random.randrange(COUNTER_SLOTS), "delta": delta}
    )


# SQLAlchemy's dialect-specific insert() (needed for ON CONFLICT) opts out of
# the statement cache, so it was compiled anew for every vote; as text it is
# cached, and the statement reads the same on SQLite and PostgreSQL.
_INSERT_VOTE = text(
    "INSERT INTO vote (poll_id, choice_id, voter_id, ip_hash, created_at, updated_at)"
    " VALUES (:poll_id, :choice_id, :voter_id, :ip_hash, :now, :now)"
    " ON CONFLICT (poll_id, voter_id) DO NOTHING RETURNING id"
).bindparams(bindparam("now", type_=UTCDateTime()))


def cast_vote(
    poll: Poll | Ballot,
    choice: Choice | BallotChoice,
    voter_id: str,
    now: datetime,
    ip_hash: str | None = None,
) -> VoteOutcome:
    """Record ``voter_id``'s vote for ``choice``; a later vote replaces an earlier one.

    The first statement is a write, so on SQLite the transaction takes the
    write lock before reading anything and cannot be overtaken; on PostgreSQL
    the unique (poll, voter) index makes a simultaneous twin wait, then find
    the row. Either way one voter never has two votes and the per-choice
    counters move in the same transaction as the vote.
    """
    require_open_for_votes(poll, now)
    if choice.poll_id != poll.id:
        raise ValueError("choice belongs to another poll")

    connection = db.session.connection()
    params = {
        "poll_id": poll.id,
        "choice_id": choice.id,
        "voter_id": voter_id,
        "ip_hash": ip_hash,
        "now": now,
    }
    if connection.execute(_INSERT_VOTE, params).scalar() is not None:
        _shift_counts(connection, add_to=choice.id)
        return VoteOutcome.CREATED

    existing = connection.execute(_FIND_VOTE, params).one()
    if existing.choice_id == choice.id:
        return VoteOutcome.UNCHANGED
    connection.execute(_MOVE_VOTE, {**params, "vote_id": existing.id})
    # A void vote stays void when its voter changes it: the counters never held it.
    if existing.status == VOTE_COUNTED:
        _shift_counts(connection, add_to=choice.id, take_from=existing.choice_id)
    return VoteOutcome.CHANGED


def _shift_counts(connection, add_to: int, take_from: int | None = None) -> None:
    """Move one vote between counters, locking rows in id order so that two
    voters switching in opposite directions cannot deadlock."""
    deltas = {add_to: 1}
    if take_from is not None:
        deltas[take_from] = -1
    for choice_id in sorted(deltas):
        _shift(connection, choice_id, deltas[choice_id])


class VoidError(Refused):
    """A void or restore that cannot be done, with the reason in words."""


@dataclass(frozen=True)
class BurstWindow:
    """The votes first cast from one address in one poll within one hour."""

    poll_id: int
    ip_hash: str
    starts_at: datetime
    ends_at: datetime

    def conditions(self) -> tuple:
        """Which votes are its own, for a WHERE clause."""
        return (
            _votes.c.poll_id == self.poll_id,
            _votes.c.ip_hash == self.ip_hash,
            _votes.c.created_at >= self.starts_at,
            _votes.c.created_at < self.ends_at,
        )


def _lock_poll_votes(connection, poll_id: int) -> None:
    """Voids and restores of one poll run one at a time (PostgreSQL; SQLite has
    one writer anyway). FOR NO KEY UPDATE: votes inserted meanwhile only need
    the poll's key, so voting never waits for this lock."""
    connection.execute(select(Poll.id).where(Poll.id == poll_id).with_for_update(key_share=True))


def _set_status(connection, condition, status: str, void_id: int | None) -> Counter:
    """Set ``status`` on the votes matching ``condition`` and move the counters
    by as many, in one transaction; returns the moved votes per choice id.

    The UPDATE locks each vote row, so a simultaneous change of one of them
    either finishes first (the row is read with its new choice) or waits and
    then sees the new status: each vote is moved once, from where it stands.
    """
    values = {"status": status} if void_id is None else {"status": status, "void_id": void_id}
    moved: Counter[int] = Counter(
        connection.execute(update(_votes).where(*condition).values(**values).returning(_votes.c.choice_id))
        .scalars()
        .all()
    )
    sign = 1 if status == VOTE_COUNTED else -1
    for choice_id in sorted(moved):  # id order, as in _shift_counts: no deadlock with voters
        _shift(connection, choice_id, sign * moved[choice_id])
    return moved


def _by_choice_key(poll: Poll, moved: Counter) -> dict[str, int]:
    return {choice.key: moved[choice.id] for choice in poll.choices if moved[choice.id]}


def void_burst(
    poll: Poll, burst: BurstWindow, actor: Moderator | None, reason: str, now: datetime
) -> VoteVoid:
    """Take the burst's counted votes out of the tallies: they stay stored,
    marked void, and are audited as ``votes.void``. Raises VoidError if none is
    left to void. The caller commits."""
    connection = db.session.connection()
    _lock_poll_votes(connection, poll.id)
    voiding = VoteVoid(
        poll_id=poll.id,
        starts_at=burst.starts_at,
        ends_at=burst.ends_at,
        votes=0,
        reason=reason,
        voided_by_id=actor.id if actor is not None else None,
        voided_at=now,
    )
    db.session.add(voiding)
    db.session.flush()
    still_counted = (*burst.conditions(), _votes.c.status == VOTE_COUNTED)
    moved = _set_status(connection, still_counted, VOTE_VOID, voiding.id)
    if not moved:
        raise VoidError("These votes are already void: nothing was changed.", status=409)
    voiding.votes = moved.total()
    by_choice = _by_choice_key(poll, moved)
    audit.record(
        actor,
        "votes.void",
        "vote_void",
        voiding.id,
        now,
        poll_id=poll.id,
        before={"status": VOTE_COUNTED, "votes": voiding.votes, "by_choice": by_choice},
        after={
            "status": VOTE_VOID,
            "votes": voiding.votes,
            "by_choice": by_choice,
            "hour": burst.starts_at.isoformat(),
        },
        reason=reason,
    )
    return voiding


def restore_void(poll: Poll, void_id: int, actor: Moderator | None, reason: str, now: datetime) -> VoteVoid:
    """Count a voided burst's votes again, each for the choice it stands at
    now; audited as ``votes.restore``. Raises VoidError (404: no such voiding in
    this poll, 409: restored already). The caller commits."""
    connection = db.session.connection()
    _lock_poll_votes(connection, poll.id)
    voiding = db.session.get(VoteVoid, void_id, populate_existing=True)
    if voiding is None or voiding.poll_id != poll.id:
        raise VoidError("There is no such voided burst in this poll.", status=404)
    # The guard and the claim in one write: of two simultaneous restores, one wins.
    claimed = connection.execute(
        update(VoteVoid)
        .where(VoteVoid.id == void_id, VoteVoid.restored_at.is_(None))
        .values(
            restored_at=now, restored_by_id=actor.id if actor is not None else None, restore_reason=reason
        )
    ).rowcount
    if not claimed:
        raise VoidError("These votes were already restored: nothing was changed.", status=409)
    db.session.refresh(voiding)
    moved = _set_status(
        connection, (_votes.c.void_id == void_id, _votes.c.status == VOTE_VOID), VOTE_COUNTED, None
    )
    by_choice = _by_choice_key(poll, moved)
    audit.record(
        actor,
        "votes.restore",
        "vote_void",
        voiding.id,
        now,
        poll_id=poll.id,
        before={"status": VOTE_VOID, "votes": moved.total(), "by_choice": by_choice},
        after={"status": VOTE_COUNTED, "votes": moved.total(), "by_choice": by_choice},
        reason=reason,
    )
    return voiding


class ChoiceTally(NamedTuple):
    key: str
    label: str
    votes: int
    percent: int


class Tally(NamedTuple):
    total: int
    choices: tuple[ChoiceTally, ...]

    def as_dict(self) -> dict:
        return {"total": self.total, "choices": [choice._asdict() for choice in self.choices]}


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


def _tally(rows: Sequence[Any], index_of: Mapping[str | None, int]) -> Tally:
    key, label, vote_count = index_of["key"], index_of["label"], index_of["vote_count"]
    counts = [row[vote_count] for row in rows]
    return Tally(
        total=sum(counts),
        choices=tuple(
            ChoiceTally(row[key], row[label], row[vote_count], percent)
            for row, percent in zip(rows, whole_percentages(counts), strict=True)
        ),
    )


@dataclass(frozen=True)
class ResultsSnapshot(Schedule, ChoiceLookup, EmbedSites):
    """A poll as one reader sees it: what its pages show of it, its schedule,
    its tallies and this voter's choice, read together. The poll page and the
    embedded card render from this alone (no ORM poll). Hashable: two equal
    snapshots render the same page (poll.web.page_cache)."""

    slug: str
    title: str
    question: str
    summary: str
    opens_at: datetime
    closes_at: datetime | None
    results_visibility: str
    results_note: str
    moderation_mode: str
    embed_origins: str
    my_choice: str | None
    tally: Tally

    @property
    def choices(self) -> tuple[ChoiceTally, ...]:
        return self.tally.choices

    def results_are_public(self, now: datetime) -> bool:
        """Anyone may see the tally, voted or not (shared caches included)."""
        return self.has_closed(now) or self.results_visibility == RESULTS_ALWAYS

    def results_visible(self, now: datetime) -> bool:
        """This voter may see the tally: it is public, or they have voted."""
        return self.results_are_public(now) or self.my_choice is not None

    def as_shown(self, now: datetime) -> "ResultsSnapshot":
        """This snapshot with the counts this voter may not see set to zero, so
        that two snapshots which show the same page are equal (poll.web.page_cache):
        before a reader votes in an after-vote poll, new votes change nothing they see."""
        if self.results_visible(now):
            return self
        hidden = tuple(choice._replace(votes=0, percent=0) for choice in self.tally.choices)
        return replace(self, tally=Tally(total=0, choices=hidden))


# The hot results path in one round trip: the poll, its counters, and this
# voter's vote found through the unique (poll, voter) index.
_SNAPSHOT_QUERY = _poll_choices_and_my_vote(
    Poll.slug,
    Poll.title,
    Poll.question,
    Poll.summary,
    Poll.opens_at,
    Poll.closes_at,
    Poll.results_visibility,
    Poll.results_note,
    Poll.moderation_mode,
    Poll.embed_origins,
    Choice.key,
    Choice.label,
    Choice.vote_count,
)


_SNAPSHOT = PreparedQuery(_SNAPSHOT_QUERY)


def results_snapshot(
    slug: str, voter_id: str | None, connection: Connection | None = None
) -> ResultsSnapshot | None:
    """Results of the poll at ``slug`` as ``voter_id`` sees them; None if there is no such poll.

    Read on ``connection``, by default the session's (same transaction as the
    rest of the page), through the driver's cursor: this read is behind every
    poll page and results.json.
    """
    connection = connection or db.session.connection()
    query = _SNAPSHOT.for_dialect(connection.dialect)
    rows = query.converted(fetch_all(connection, query, {"slug": slug, "voter_id": voter_id or ""}))
    if not rows:
        return None
    at, poll = query.index_of, rows[0]  # the poll's columns are the same on every row
    return ResultsSnapshot(
        slug=poll[at["slug"]],
        title=poll[at["title"]],
        question=poll[at["question"]],
        summary=poll[at["summary"]],
        opens_at=poll[at["opens_at"]],
        closes_at=poll[at["closes_at"]],
        results_visibility=poll[at["results_visibility"]],
        results_note=poll[at["results_note"]],
        moderation_mode=poll[at["moderation_mode"]],
        embed_origins=poll[at["embed_origins"]],
        my_choice=next((row[at["key"]] for row in rows if row[at["my_vote_id"]] is not None), None),
        tally=_tally(rows, at),
    )

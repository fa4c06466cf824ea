"""Casting votes: the ballot a vote is checked against, and recording it on the choices' counters.
The tallies read back are in results.py; voiding vote bursts in voids.py."""

import random
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import cast

from flask_babel import gettext
from sqlalchemy import Table, bindparam, select, text, update

from poll.database.column_types import UTCDateTime
from poll.database.driver_sql import PreparedQuery
from poll.database.models import (
    COUNTER_SLOTS,
    VOTE_COUNTED,
    Choice,
    ChoiceLookup,
    Poll,
    Schedule,
    Vote,
)
from poll.extensions import db
from poll.polls.results import poll_choices_and_my_vote, read_poll_rows
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
        if poll.has_closed(now):
            raise PollClosedError(gettext("This poll has closed, so it cannot take votes."))
        raise PollClosedError(gettext("This poll is not open yet, so it cannot take votes."))


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
    # The language the poll is written in: a vote's message is in it (poll.web.languages).
    language: str | None = None


# One round trip through the driver's cursor: this read is behind every vote.
_BALLOT = PreparedQuery(
    poll_choices_and_my_vote(
        Poll.id,
        Poll.slug,
        Poll.opens_at,
        Poll.closes_at,
        Poll.language,
        Choice.id.label("choice_id"),
        Choice.key,
        Choice.label,
    )
)


def ballot(slug: str, voter_id: str | None = None) -> Ballot | None:
    """The poll at ``slug`` as a ballot for ``voter_id``, or None if there is no such poll."""
    rows, at = read_poll_rows(_BALLOT, slug, voter_id)
    if not rows:
        return None
    poll = rows[0]  # the poll's columns are the same on every row
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
        language=poll[at["language"]],
    )


VOTES = cast(Table, Vote.__table__)  # typed FromClause; a model's table is a Table

# Statements are built once so that SQLAlchemy's compiled cache always hits:
# voting is the hottest write path.
_FIND_VOTE = (
    select(VOTES.c.id, VOTES.c.choice_id, VOTES.c.status)
    .where(VOTES.c.poll_id == bindparam("poll_id"), VOTES.c.voter_id == bindparam("voter_id"))
    .with_for_update()
)
_MOVE_VOTE = (
    update(VOTES)
    .where(VOTES.c.id == bindparam("vote_id"))
    .values(choice_id=bindparam("choice_id"), updated_at=bindparam("now", type_=UTCDateTime()))
)
# One statement on both engines (text, so that it is cached: see _INSERT_VOTE):
# a slot row is made by the first vote that lands in it.
_SHIFT_COUNT = text(
    "INSERT INTO choice_vote_slot (choice_id, slot, vote_count) VALUES (:target_id, :slot, :delta)"
    " ON CONFLICT (choice_id, slot)"
    " DO UPDATE SET vote_count = choice_vote_slot.vote_count + excluded.vote_count"
)


def shift_one_counter(connection, choice_id: int, delta: int) -> None:
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
        shift_one_counter(connection, choice_id, deltas[choice_id])

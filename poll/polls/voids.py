"""Voiding a burst of votes (taking them out of the tallies, kept and audited) and restoring it."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from poll.accounts import audit
from poll.database.models import VOTE_COUNTED, VOTE_VOID, Moderator, Poll, VoteVoid
from poll.extensions import db
from poll.polls.voting import VOTES, shift_one_counter
from poll.refusals import Refused


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
            VOTES.c.poll_id == self.poll_id,
            VOTES.c.ip_hash == self.ip_hash,
            VOTES.c.created_at >= self.starts_at,
            VOTES.c.created_at < self.ends_at,
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
        connection.execute(update(VOTES).where(*condition).values(**values).returning(VOTES.c.choice_id))
        .scalars()
        .all()
    )
    sign = 1 if status == VOTE_COUNTED else -1
    for choice_id in sorted(moved):  # id order, as in _shift_counts: no deadlock with voters
        shift_one_counter(connection, choice_id, sign * moved[choice_id])
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
    still_counted = (*burst.conditions(), VOTES.c.status == VOTE_COUNTED)
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
        connection, (VOTES.c.void_id == void_id, VOTES.c.status == VOTE_VOID), VOTE_COUNTED, None
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

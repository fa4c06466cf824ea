"""Muting a voter: their new comments are refused until the mute expires or is lifted."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from poll.accounts import audit
from poll.database.models import Comment, CommentFlag, Moderator, VoterMute
from poll.extensions import db
from poll.web.dates import format_moment

REASON_MAX_LENGTH = 500
# How many of an author's other comments the mute page lists (the counts cover them all).
RECORD_COMMENTS_SHOWN = 8
# What moderators choose from; longer needs a decision about the person, not a mute.
DURATIONS = {"1d": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}
DURATION_LABELS = {"1d": "1 day", "7d": "7 days", "30d": "30 days"}


class MuteError(ValueError):
    """A mute that cannot be made or lifted, with the reason in words."""


def voter_pseudonym(voter_id: str) -> str:
    """A short name for a voter on admin pages and in the audit log (a prefix of the keyed hash)."""
    return voter_id[:10]


def mute(
    voter_id: str, reason: str, expires_at: datetime, actor: Moderator | None, now: datetime
) -> VoterMute:
    """Refuse ``voter_id``'s new comments until ``expires_at``; audited as ``voter.mute``."""
    reason = (reason or "").strip()
    if not voter_id:
        raise MuteError("This comment has no voter to mute.")
    if not reason:
        raise MuteError("Please say why this voter is muted.")
    if len(reason) > REASON_MAX_LENGTH:
        raise MuteError(f"Please keep the reason to {REASON_MAX_LENGTH} characters or fewer.")
    if expires_at <= now:
        raise MuteError("A mute must end in the future.")
    current = active_mute(voter_id, now)
    if current is not None:
        raise MuteError(f"This voter is already muted until {format_moment(current.expires_at, 'short')}.")
    row = VoterMute(voter_id=voter_id, reason=reason, expires_at=expires_at, created_at=now, created_by=actor)
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor,
        "voter.mute",
        audit.MUTE_TARGET,
        row.id,
        now,
        after={"voter": voter_pseudonym(voter_id), "muted until": format_moment(expires_at, "short")},
        reason=reason,
    )
    return row


def lift(mute_id: int, actor: Moderator | None, now: datetime) -> VoterMute:
    """End an active mute now; audited as ``voter.unmute``."""
    row = db.session.get(VoterMute, mute_id)
    if row is None or row.lifted_at is not None or row.expires_at <= now:
        raise MuteError("That mute is not active any more.")
    row.lifted_at = now
    row.lifted_by = actor
    audit.record(
        actor,
        "voter.unmute",
        audit.MUTE_TARGET,
        row.id,
        now,
        before={"muted until": format_moment(row.expires_at, "short")},
        after={"muted until": "lifted"},
    )
    return row


def _active(now: datetime):
    return db.select(VoterMute).where(VoterMute.lifted_at.is_(None), VoterMute.expires_at > now)


def active_mute(voter_id: str, now: datetime) -> VoterMute | None:
    """The mute that refuses this voter's comments now, if any (the latest-ending one)."""
    query = _active(now).where(VoterMute.voter_id == voter_id).order_by(VoterMute.expires_at.desc())
    return db.session.execute(query.limit(1)).scalar_one_or_none()


def active_mutes(now: datetime) -> list[VoterMute]:
    """Every mute in force, ending soonest first."""
    return list(db.session.execute(_active(now).order_by(VoterMute.expires_at, VoterMute.id)).scalars())


@dataclass
class AuthorRecord:
    """What a moderator weighs before muting: the author's other comments in
    the poll (counted by status and flag, the latest listed) and every earlier mute."""

    statuses: Counter = field(default_factory=Counter)
    flags: Counter = field(default_factory=Counter)
    latest: list[Comment] = field(default_factory=list)
    mutes: list[VoterMute] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.statuses.total()


def author_record(comment: Comment) -> AuthorRecord:
    """The record of ``comment``'s author: their other comments in its poll, and their mutes."""
    others = (
        Comment.poll_id == comment.poll_id,
        Comment.voter_id == comment.voter_id,
        Comment.id != comment.id,
    )
    record = AuthorRecord()
    for status, count in db.session.execute(
        select(Comment.status, func.count()).where(*others).group_by(Comment.status)
    ):
        record.statuses[status] = count
    flagged = select(CommentFlag.flag, func.count()).join(Comment, CommentFlag.comment_id == Comment.id)
    for flag, count in db.session.execute(flagged.where(*others).group_by(CommentFlag.flag)):
        record.flags[flag] = count
    record.latest = list(
        db.session.execute(
            select(Comment)
            .options(selectinload(Comment.flags))
            .where(*others)
            .order_by(Comment.created_at.desc(), Comment.id.desc())
            .limit(RECORD_COMMENTS_SHOWN)
        ).scalars()
    )
    record.mutes = list(
        db.session.execute(
            select(VoterMute)
            .options(selectinload(VoterMute.created_by), selectinload(VoterMute.lifted_by))
            .where(VoterMute.voter_id == comment.voter_id)
            .order_by(VoterMute.created_at.desc(), VoterMute.id.desc())
        ).scalars()
    )
    return record

"""The audit log: who did what, when, before and after, and why."""

from datetime import datetime

from sqlalchemy import String, cast, event, or_, select
from sqlalchemy.orm import Session

from poll.database.models import ApiKey, AuditEntry, Comment, Moderator, VoterMute
from poll.extensions import db

CLI_ACTOR = "command line"
# The target of a mute's entries (voter.mute, voter.unmute): a VoterMute row.
MUTE_TARGET = "voter_mute"


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or remove an audit entry."""


def acting_moderator(actor: Moderator | ApiKey | None) -> Moderator | None:
    """The account behind an action, for columns such as ``Comment.moderated_by``: none for the
    command line or an API key (the audit entry names the key)."""
    return actor if isinstance(actor, Moderator) else None


def actor_name(actor: Moderator | ApiKey | None) -> str:
    if actor is None:
        return CLI_ACTOR
    if isinstance(actor, ApiKey):
        return actor.audit_actor
    return actor.username


def record(
    actor: Moderator | ApiKey | None,
    action: str,
    target_type: str,
    target_id: object,
    now: datetime,
    *,
    poll_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEntry:
    entry = AuditEntry(
        created_at=now,
        moderator_id=actor.id if isinstance(actor, Moderator) else None,
        actor=actor_name(actor),
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        poll_id=poll_id,
        before=before,
        after=after,
        reason=reason,
    )
    db.session.add(entry)
    return entry


def about_poll(poll_id: int):
    """SQL: an entry about a poll: filed under it, or the mute (or unmute) of a
    voter who commented in it (a mute is per voter, so it carries no poll)."""
    commenters = select(Comment.voter_id).where(Comment.poll_id == poll_id)
    mutes = select(cast(VoterMute.id, String)).where(VoterMute.voter_id.in_(commenters))
    return or_(
        AuditEntry.poll_id == poll_id,
        (AuditEntry.target_type == MUTE_TARGET) & AuditEntry.target_id.in_(mutes),
    )


def _refuse_changes_to_audit_entries(session: Session, flush_context, instances) -> None:
    changed = [obj for obj in (*session.dirty, *session.deleted) if isinstance(obj, AuditEntry)]
    if any(session.is_modified(obj) or obj in session.deleted for obj in changed):
        raise AuditLogIsAppendOnly("audit entries cannot be edited or deleted")


def register_audit_guard() -> None:
    """Refuse, in every session, to flush an edited or deleted audit entry."""
    if not event.contains(Session, "before_flush", _refuse_changes_to_audit_entries):
        event.listen(Session, "before_flush", _refuse_changes_to_audit_entries)

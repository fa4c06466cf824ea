"""What is kept only for a while, and its removal (``flask purge``, run daily)."""

from datetime import datetime, timedelta

from sqlalchemy import delete, update

from poll.accounts import audit, sessions
from poll.database import rows_changed
from poll.database.models import AddressKey, Comment, Vote
from poll.extensions import db
from poll.voters.pseudonyms import ADDRESS_KEY_PERIOD, forget_address_key_in_use

PURGE_ACTION = "retention.purge"
# How `flask purge` names each count it prints.
DESCRIPTIONS = {
    "vote_address_hashes": "vote address hashes cleared",
    "comment_address_hashes": "comment address hashes cleared",
    "address_keys": "address keys deleted",
    "moderator_sessions": "idle moderator sessions deleted",
}


def forget_vote_addresses(before: datetime) -> int:
    """Clear the address hash of votes first cast before ``before``.

    By ``created_at`` alone: the hash records the address that first cast the
    vote, under that day's key, and a later change of mind does not renew it.
    """
    result = db.session.execute(
        update(Vote)
        .where(Vote.created_at < before, Vote.ip_hash.is_not(None))
        .values(ip_hash=None)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result)


def forget_comment_addresses(before: datetime) -> int:
    result = db.session.execute(
        update(Comment)
        .where(Comment.created_at < before, Comment.ip_hash != "")
        .values(ip_hash="")
        .execution_options(synchronize_session=False)
    )
    return rows_changed(result)


def delete_address_keys(before: datetime) -> int:
    """Delete the keys of periods that ended by ``before``: every hash made under them is cleared."""
    result = db.session.execute(
        delete(AddressKey)
        .where(AddressKey.starts_at <= before - ADDRESS_KEY_PERIOD)
        .execution_options(synchronize_session=False)
    )
    forget_address_key_in_use()
    return rows_changed(result)


def purge(now: datetime, retention_days: int, session_idle_limit: timedelta) -> dict[str, int]:
    """Drop what is kept only ``retention_days`` (and moderators' sessions idle
    longer than ``session_idle_limit``, which can no longer be used); how many
    of each went, recorded in the audit log.

    Safe to run again: a second run finds nothing more. Each further kind of
    short-lived data is one more line here.
    """
    before = now - timedelta(days=retention_days)
    counts = {
        "vote_address_hashes": forget_vote_addresses(before),
        "comment_address_hashes": forget_comment_addresses(before),
        "address_keys": delete_address_keys(before),
        "moderator_sessions": sessions.purge_idle(now, session_idle_limit),
    }
    audit.record(
        None,
        PURGE_ACTION,
        "retention",
        before.isoformat(),
        now,
        after={"retention_days": retention_days, **counts},
    )
    return counts

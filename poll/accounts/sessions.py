"""Moderators' server-side sessions: what makes a session cookie valid.

The signed cookie alone cannot be taken back once issued, so it carries only
a random token; a session is open while its row exists. Logging out deletes
the row, which ends the session for every saved copy of the cookie too.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete

from poll.accounts import audit
from poll.database import rows_changed
from poll.database.models import Moderator, ModeratorSession
from poll.extensions import db

TOKEN_BYTES = 32
# last_seen_at is written at most this often: a page view is not worth a write.
TOUCH_EVERY = timedelta(minutes=5)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def start(moderator: Moderator, now: datetime) -> str:
    """Open a session for ``moderator`` in this browser; returns its token,
    which ``moderator.get_id()`` now carries into the cookie."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(
        ModeratorSession(
            moderator_id=moderator.id,
            token_hash=digest(token),
            created_at=now,
            last_seen_at=now,
        )
    )
    moderator.session_token = token
    return token


def load(session_id: str, now: datetime, idle_limit: timedelta) -> Moderator | None:
    """The moderator whose open session the cookie names (``<id>.<token>``), or None.

    None when the session was ended, has been idle longer than ``idle_limit``,
    or belongs to a disabled account.
    """
    identifier, _, token = session_id.partition(".")
    if not identifier.isdigit() or not token:
        return None
    row = db.session.execute(
        db.select(ModeratorSession).filter_by(token_hash=digest(token), moderator_id=int(identifier))
    ).scalar_one_or_none()
    if row is None or row.last_seen_at < now - idle_limit:
        return None
    moderator = db.session.get(Moderator, row.moderator_id)
    if moderator is None or moderator.disabled:
        return None
    if row.last_seen_at < now - TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    moderator.session_token = token
    return moderator


def end(moderator: Moderator) -> None:
    """End the session ``moderator`` was loaded for."""
    if moderator.session_token:
        db.session.execute(
            delete(ModeratorSession).where(ModeratorSession.token_hash == digest(moderator.session_token))
        )
    moderator.session_token = None


def end_all(moderator: Moderator) -> int:
    """End every session of ``moderator``, in every browser; returns how many were open."""
    ended = db.session.execute(delete(ModeratorSession).where(ModeratorSession.moderator_id == moderator.id))
    moderator.session_token = None
    return rows_changed(ended)


def log_out_everywhere(moderator: Moderator, now: datetime) -> int:
    """The moderator's own "log out everywhere": every session ends, audited."""
    ended = end_all(moderator)
    audit.record(
        moderator,
        "moderator.logout_everywhere",
        "moderator",
        moderator.username,
        now,
        after={"sessions": ended},
    )
    return ended


def purge_idle(now: datetime, idle_limit: timedelta) -> int:
    """Delete sessions idle longer than ``idle_limit`` (they can no longer be used)."""
    purged = db.session.execute(
        delete(ModeratorSession).where(ModeratorSession.last_seen_at < now - idle_limit)
    )
    return rows_changed(purged)

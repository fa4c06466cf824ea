"""API keys: making, finding, listing and revoking them, each change audited.

A key reads ``dpk_<prefix>_<secret>``. The prefix (8 bytes, hex) finds the row and is shown in lists;
the secret (32 random bytes, 256 bits) is kept only as its SHA-256. A secret that random cannot be
guessed from its hash, so no slow password hash is needed, and checking a key costs one lookup."""

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from poll.accounts import audit
from poll.database.models import API_KEY_NAME_MAX_LENGTH, API_SCOPES, SCOPE_READ, ApiKey, Moderator
from poll.extensions import db
from poll.refusals import Refused

KEY_MARK = "dpk"
KEY_PATTERN = re.compile(r"dpk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]*")
TARGET = "api_key"


class ApiKeyError(Refused):
    """A key that cannot be made or revoked; ``field`` names the field the reason belongs beside."""

    def __init__(self, message: str, field: str | None = None, status: int = 422) -> None:
        super().__init__(message, status)
        self.field = field


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def name_problem(name: str) -> str | None:
    """What is wrong with a key's name, in words, or None (a taken name is a conflict: ``create_key``)."""
    if not name:
        return "Please give the key a name, such as the tool that will use it."
    if len(name) > API_KEY_NAME_MAX_LENGTH:
        return f"Please keep the name to {API_KEY_NAME_MAX_LENGTH} characters or fewer: it has {len(name)}."
    if not NAME_PATTERN.fullmatch(name):
        return "Use letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit."
    return None


def key_by_name(name: str) -> ApiKey | None:
    return db.session.execute(db.select(ApiKey).where(ApiKey.name == name)).scalar_one_or_none()


def create_key(name: str, scope: str, actor: Moderator | None, now: datetime) -> tuple[ApiKey, str]:
    """A new key and its text, which is shown this once and never stored; audited as api_key.create."""
    name = (name or "").strip()
    problem = name_problem(name)
    if problem:
        raise ApiKeyError(problem, field="name")
    if scope not in API_SCOPES:
        raise ApiKeyError(f"The scope must be one of: {', '.join(API_SCOPES)}.", field="scope")
    if key_by_name(name) is not None:
        raise ApiKeyError(f"There is already a key called {name!r}.", field="name", status=409)
    prefix = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        name=name,
        scope=scope,
        prefix=prefix,
        secret_hash=secret_hash(secret),
        created_at=now,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(key)
    db.session.flush()
    audit.record(actor, "api_key.create", TARGET, key.prefix, now, after={"name": name, "scope": scope})
    return key, f"{KEY_MARK}_{prefix}_{secret}"


def revoke_key(key: ApiKey, actor: Moderator | None, now: datetime) -> None:
    """The key calls nothing from now on; the row stays, for the list and the audit log."""
    if key.is_revoked:
        raise ApiKeyError(f"The key {key.name!r} is already revoked.", status=409)
    key.revoked_at = now
    audit.record(
        actor, "api_key.revoke", TARGET, key.prefix, now, before={"name": key.name, "scope": key.scope}
    )


def all_keys() -> list[ApiKey]:
    """Every key, live ones first, newest first."""
    return list(
        db.session.execute(
            db.select(ApiKey).order_by(
                ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc()
            )
        ).scalars()
    )


def key_for(presented: str) -> ApiKey | None:
    """The live key ``presented`` is, or None (malformed, unknown, wrong secret, revoked)."""
    match = KEY_PATTERN.fullmatch(presented or "")
    if match is None:
        return None
    prefix, secret = match.groups()
    key = db.session.execute(db.select(ApiKey).where(ApiKey.prefix == prefix)).scalar_one_or_none()
    if key is None or key.is_revoked:
        return None
    if not hmac.compare_digest(key.secret_hash, secret_hash(secret)):
        return None
    return key


def allows(key: ApiKey, scope: str) -> bool:
    """Every key reads; writes need the scope that names them."""
    return scope == SCOPE_READ or key.scope == scope


# last_used_at is written at most this often per key, so that reads do not each write a row.
LAST_USED_PRECISION_SECONDS = 60


def note_use(key: ApiKey, now: datetime) -> bool:
    """Record that ``key`` was used; True if the row changed (the caller commits)."""
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() >= LAST_USED_PRECISION_SECONDS:
        key.last_used_at = now
        return True
    return False

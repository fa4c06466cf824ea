"""Pseudonymous identifiers: keyed hashes that let us group rows by voter or
address without storing or exporting the raw cookie token or IP."""

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import Engine, create_engine, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import NullPool

from poll.database.column_types import utcnow
from poll.database.models import AddressKey
from poll.extensions import db

VOTER = "voter"
ADDRESS = "ip"
POLL_VOTER = "poll-voter"
# One address key per UTC day. Days start on an hour boundary, so the
# dashboard's hourly burst groups never mix two keys.
ADDRESS_KEY_PERIOD = timedelta(days=1)
_ADDRESS_KEY_IN_USE = "debate_poll.address_key"
_ADDRESS_KEY_ENGINE = "debate_poll.address_key_engine"
# One thread per process looks up (or creates) a new period's key; the others wait for it.
_ADDRESS_KEY_LOOKUP = threading.Lock()


class KeyedHasher:
    """Keyed BLAKE2b under a secret, kept apart by ``purpose``.

    BLAKE2's keyed mode is a MAC on its own. The keyed state is built once (see
    ``hasher``) and copied per value.
    """

    def __init__(self, secret: str, purpose: str):
        key = hashlib.sha256(secret.encode()).digest()
        self._keyed = hashlib.blake2b(key=key, person=purpose.encode()[:16], digest_size=16)

    def __call__(self, value: str) -> str:
        digest = self._keyed.copy()
        digest.update(value.encode())
        return digest.hexdigest()


@lru_cache(maxsize=16)
def hasher(secret: str, purpose: str) -> KeyedHasher:
    """One hasher per secret and purpose, kept: every request hashes its voter token."""
    return KeyedHasher(secret, purpose)


def app_secret() -> str:
    """The app's SECRET_KEY (create_app always sets one: from the environment or the instance folder)."""
    return str(current_app.config["SECRET_KEY"])


def voter_id_for(token: str) -> str:
    """The stored voter id of a cookie's token."""
    return hasher(app_secret(), VOTER)(token)


@dataclass(frozen=True)
class AddressKeyInUse:
    starts_at: datetime
    ends_at: datetime
    hasher: KeyedHasher


def address_key_period(now: datetime) -> datetime:
    """The start of the UTC day that ``now`` falls in: its address key's ``starts_at``."""
    return datetime.combine(now.astimezone(UTC).date(), time.min, tzinfo=UTC)


def _address_key_engine() -> Engine:
    """An engine without a pool, beside the app's, for the rare key look-up.

    Its own connection, committed at once: a key must never be used that a
    rolled-back request leaves unstored. Not from the app's pool: requests
    that each hold a pooled connection while asking for the key (the first
    votes after midnight) would otherwise wait for each other's.
    """
    engine = current_app.extensions.get(_ADDRESS_KEY_ENGINE)
    if engine is None:
        options = current_app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
        engine = create_engine(
            db.engine.url, poolclass=NullPool, connect_args=options.get("connect_args", {})
        )
        current_app.extensions[_ADDRESS_KEY_ENGINE] = engine
    return engine


def _stored_address_key(starts_at: datetime) -> str:
    """The period's random key, created by whichever process asks first.

    The unique ``starts_at`` makes simultaneous creators agree: the losers'
    insert fails and they read the winner's key.
    """
    find = select(AddressKey.key).where(AddressKey.starts_at == starts_at)
    with _address_key_engine().connect() as connection:
        key = connection.execute(find).scalar()
        if key is not None:
            return key
        try:
            connection.execute(
                insert(AddressKey).values(starts_at=starts_at, key=secrets.token_hex(32), created_at=utcnow())
            )
            connection.commit()
        except IntegrityError:
            connection.rollback()
        return connection.execute(find).scalar_one()


def address_hasher(now: datetime) -> KeyedHasher:
    """The hasher for addresses seen at ``now``, kept per process until its period ends
    (no query per request)."""
    in_use = current_app.extensions.get(_ADDRESS_KEY_IN_USE)
    if in_use is not None and in_use.starts_at <= now < in_use.ends_at:
        return in_use.hasher
    with _ADDRESS_KEY_LOOKUP:
        in_use = current_app.extensions.get(_ADDRESS_KEY_IN_USE)
        if in_use is None or not in_use.starts_at <= now < in_use.ends_at:
            starts_at = address_key_period(now)
            # Under SECRET_KEY too: a database copy alone does not give the key either.
            secret = f"{app_secret()}:{_stored_address_key(starts_at)}"
            in_use = AddressKeyInUse(starts_at, starts_at + ADDRESS_KEY_PERIOD, KeyedHasher(secret, ADDRESS))
            current_app.extensions[_ADDRESS_KEY_IN_USE] = in_use
    return in_use.hasher


def forget_address_key_in_use() -> None:
    """Drop this process's cached key (after keys were deleted)."""
    current_app.extensions.pop(_ADDRESS_KEY_IN_USE, None)


def ip_hash(address: str | None, now: datetime | None = None) -> str:
    """The stored hash of an address seen at ``now``: equal for one address within
    a UTC day, unrelated across days, and untestable once that day's key is purged."""
    return address_hasher(now or utcnow())(address or "unknown")


class PollPseudonyms:
    """Per-poll voter pseudonyms for exports: a keyed hash of (poll, voter id).

    One reader keeps one pseudonym within a poll (its votes and comments
    exports join) but gets an unrelated one in every other poll, so exports
    cannot follow a reader across polls. Built once per export; the keyed
    state per poll is built once and copied per row.
    """

    def __init__(self, secret: str):
        self._key = hashlib.sha256(f"{secret}:{POLL_VOTER}".encode()).digest()
        self._keyed_of_poll: dict[int, hashlib.blake2b] = {}

    def keyed(self, poll_id: int) -> hashlib.blake2b:
        """The poll's keyed BLAKE2b state, to ``copy()`` and ``update(voter id)``."""
        state = self._keyed_of_poll.get(poll_id)
        if state is None:
            state = hashlib.blake2b(
                key=self._key,
                person=POLL_VOTER.encode(),
                salt=poll_id.to_bytes(16, "big"),
                digest_size=16,
            )
            self._keyed_of_poll[poll_id] = state
        return state

    def __call__(self, poll_id: int, voter_id: str) -> str:
        digest = self.keyed(poll_id).copy()
        digest.update(voter_id.encode())
        return digest.hexdigest()


def poll_pseudonyms() -> PollPseudonyms:
    return PollPseudonyms(app_secret())

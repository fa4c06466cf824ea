"""Pseudonymous identifiers: keyed hashes that let us group rows by voter or
address without storing or exporting the raw cookie id or IP."""

import hashlib
from functools import cache

from flask import current_app


@cache
def _key(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def keyed_hash(value: str, purpose: str, secret: str | None = None) -> str:
    """Keyed BLAKE2b of ``value`` under the app's secret, kept apart by ``purpose``.

    BLAKE2's keyed mode is a MAC on its own, and cheap enough to run on every
    row of a million-row export.
    """
    key = _key(secret if secret is not None else current_app.secret_key)
    return hashlib.blake2b(value.encode(), key=key, person=purpose.encode()[:16], digest_size=16).hexdigest()


class VoterHasher:
    """``voter_hash`` for many ids at once: the keyed state is built once and copied."""

    def __init__(self, secret: str):
        self._keyed = hashlib.blake2b(key=_key(secret), person=b"voter", digest_size=16)

    def __call__(self, voter_id: str) -> str:
        digest = self._keyed.copy()
        digest.update(voter_id.encode())
        return digest.hexdigest()


def ip_hash(address: str | None) -> str:
    return keyed_hash(address or "unknown", "ip")


def voter_hash(voter_id: str, secret: str | None = None) -> str:
    return keyed_hash(voter_id, "voter", secret)

"""Pseudonymous identifiers: keyed hashes that let us group rows by voter or
address without storing or exporting the raw cookie token or IP."""

import hashlib
from functools import lru_cache

from flask import current_app

VOTER = "voter"
ADDRESS = "ip"


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


def voter_id_for(token: str) -> str:
    """The stored (and exported) voter id of a cookie's token."""
    return hasher(current_app.secret_key, VOTER)(token)


def ip_hash(address: str | None) -> str:
    return hasher(current_app.secret_key, ADDRESS)(address or "unknown")

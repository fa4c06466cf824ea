"""Pseudonymous identifiers: keyed hashes that let us group rows by voter or
address without storing or exporting the raw cookie id or IP."""

import hashlib
import hmac

from flask import current_app


def keyed_hash(value: str, purpose: str) -> str:
    """HMAC-SHA256 of ``value`` under the app's secret, separated by ``purpose``."""
    key = hmac.new(current_app.secret_key.encode(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def ip_hash(address: str | None) -> str:
    return keyed_hash(address or "unknown", "ip")


def voter_hash(voter_id: str) -> str:
    return keyed_hash(voter_id, "voter")

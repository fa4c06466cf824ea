"""Webhook signatures: HMAC-SHA256 over ``timestamp + "." + body`` with the endpoint's secret.

A receiver checks the signature with ``verify`` (docs/alerts.md shows the same lines to copy) and
refuses a timestamp older than a few minutes, so that a recorded delivery cannot be replayed."""

import hashlib
import hmac
import secrets
import time

TIMESTAMP_HEADER = "X-DebatePoll-Timestamp"
SIGNATURE_HEADER = "X-DebatePoll-Signature"
EVENT_HEADER = "X-DebatePoll-Event"
SIGNATURE_PREFIX = "sha256="
# How old a delivery a receiver should still take, in seconds.
DEFAULT_TOLERANCE = 300


def new_secret() -> str:
    """A fresh endpoint secret: 32 random bytes as 64 hex digits."""
    return secrets.token_hex(32)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp`` (whole seconds, as text)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def signed_headers(secret: str, body: bytes, event: str, now: float | None = None) -> dict[str, str]:
    """The headers a delivery of ``body`` is sent with."""
    timestamp = str(int(time.time() if now is None else now))
    return {
        "Content-Type": "application/json",
        "User-Agent": "DebatePoll-Webhooks/1",
        EVENT_HEADER: event,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify(
    secret: str,
    timestamp: str,
    received_signature: str,
    body: bytes,
    now: float | None = None,
    tolerance: int = DEFAULT_TOLERANCE,
) -> bool:
    """Whether a delivery is genuine and fresh: signed with ``secret`` and sent within ``tolerance``
    seconds of ``now``. Compares in constant time."""
    if not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), received_signature)

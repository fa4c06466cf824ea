"""The anonymous voter's identity: a random id in a signed, long-lived cookie."""

import secrets
from functools import lru_cache

from flask import Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

VOTER_COOKIE = "voter"
_SALT = "debate-poll.voter-id"


@lru_cache(maxsize=8)
def _serializer_for(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def _serializer() -> URLSafeSerializer:
    # Built once per key: the cookie is read on every page view.
    return _serializer_for(current_app.secret_key)


def sign_voter_id(voter_id: str) -> str:
    return _serializer().dumps(voter_id)


def read_voter_id(cookie_value: str | None) -> str | None:
    """The voter id in a cookie value, or None if absent or tampered with."""
    if not cookie_value:
        return None
    try:
        voter_id = _serializer().loads(cookie_value)
    except BadSignature:
        return None
    if not isinstance(voter_id, str) or len(voter_id) != 32:
        return None
    return voter_id


def current_voter_id() -> str | None:
    """This browser's voter id, if it has a valid cookie."""
    return read_voter_id(request.cookies.get(VOTER_COOKIE))


def ensure_voter_id() -> str:
    """This browser's voter id, issuing a new one (set on the response) if needed."""
    voter_id = current_voter_id() or g.get("new_voter_id")
    if voter_id is None:
        voter_id = g.new_voter_id = secrets.token_hex(16)
    return voter_id


def set_voter_cookie(response: Response) -> Response:
    """after_request hook: hand a newly issued voter id to the browser."""
    voter_id = g.get("new_voter_id")
    if voter_id is not None:
        response.set_cookie(
            VOTER_COOKIE,
            sign_voter_id(voter_id),
            max_age=current_app.config["VOTER_COOKIE_MAX_AGE"],
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            samesite="Lax",
        )
    return response

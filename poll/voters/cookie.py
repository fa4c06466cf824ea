"""The anonymous voter: a random token in a signed, long-lived cookie (the
frame's own inside an embed: poll.web.frame_cookies).

The database never sees the token, only ``voter_id_for(token)``, a keyed hash
of it. Someone holding a copy of the database, even with the secret key,
cannot turn a stored voter id back into a cookie and act as that voter.
Exports show a per-poll pseudonym of it instead (``poll.voters.pseudonyms.PollPseudonyms``).
"""

import hashlib
import hmac
import secrets
from functools import lru_cache

from flask import Response, current_app, g, request, session
from itsdangerous import BadSignature, URLSafeSerializer

from poll.voters.pseudonyms import app_secret, voter_id_for
from poll.web.frame_cookies import VOTER_COOKIE as VOTER_COOKIE  # re-exported: the full site's cookie
from poll.web.frame_cookies import voter_cookie_attributes, voter_cookie_name

TOKEN_LENGTH = 32
_SALT = "debate-poll.voters.cookie-id"


@lru_cache(maxsize=8)
def _serializer_for(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def _serializer() -> URLSafeSerializer:
    # Built once per key: the cookie is read on every page view.
    return _serializer_for(app_secret())


def sign_voter_token(token: str) -> str:
    """The cookie value that carries ``token``."""
    return _serializer().dumps(token)


def read_voter_token(cookie_value: str | None) -> str | None:
    """The token in a cookie value, or None if absent or tampered with."""
    if not cookie_value:
        return None
    try:
        token = _serializer().loads(cookie_value)
    except BadSignature:
        return None
    if not isinstance(token, str) or len(token) != TOKEN_LENGTH:
        return None
    return token


def new_voter_token() -> str:
    return secrets.token_hex(TOKEN_LENGTH // 2)


def current_voter_id() -> str | None:
    """This browser's voter id, if it has a valid cookie (checked and hashed once a request)."""
    if "voter_id" not in g:
        token = read_voter_token(request.cookies.get(voter_cookie_name()))
        g.voter_id = None if token is None else voter_id_for(token)
    return g.voter_id


def session_voter_token() -> str | None:
    """The token a browser without a voter cookie gets, fixed for its session.

    Derived (keyed) from the CSRF secret the session already holds since the
    vote form was issued, so every request of that session, however they race,
    names the same voter: a double click or ten simultaneous first votes meet
    the one (poll, voter) key and count once. None before any form was issued."""
    raw = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    if not isinstance(raw, str) or not raw:
        return None
    return hmac.new(app_secret().encode(), f"{_SALT}:{raw}".encode(), hashlib.sha256).hexdigest()[
        :TOKEN_LENGTH
    ]


def ensure_voter_id() -> str:
    """This browser's voter id, issuing a token (set on the response) if needed."""
    voter_id = current_voter_id()
    if voter_id is not None:
        return voter_id
    if g.get("new_voter_token") is None:
        g.new_voter_token = session_voter_token() or new_voter_token()
    return voter_id_for(g.new_voter_token)


def set_voter_cookie(response: Response) -> Response:
    """after_request hook: hand a newly issued token to the browser."""
    token = g.get("new_voter_token")
    if token is not None:
        response.set_cookie(
            voter_cookie_name(),
            sign_voter_token(token),
            max_age=current_app.config["VOTER_COOKIE_MAX_AGE"],
            httponly=True,
            **voter_cookie_attributes(),
        )
    return response

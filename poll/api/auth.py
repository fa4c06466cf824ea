"""Who calls the API: the key in ``Authorization: Bearer``, its scope, and its rate limit.

Nothing else authenticates a call: the blueprint reads no cookie and no session, so a moderator's
logged-in browser cannot be made to call it (which is why the API is exempt from CSRF)."""

from collections.abc import Callable
from functools import wraps

from flask import current_app, g, request
from flask_smorest import abort
from limits import parse_many

from poll.accounts import api_keys
from poll.database.column_types import utcnow
from poll.database.models import ApiKey
from poll.extensions import db, limiter

BEARER = "bearer "


def presented_key() -> str:
    header = request.headers.get("Authorization", "")
    return header[len(BEARER) :].strip() if header[: len(BEARER)].lower() == BEARER else ""


def authenticate() -> None:
    """before_request of the API: a live key, within its rate limit, or 401/429."""
    key = api_keys.key_for(presented_key())
    if key is None:
        abort(401, message="Send a live API key as 'Authorization: Bearer <key>'.")
        return
    g.api_key = key
    check_rate_limit(key)
    if api_keys.note_use(key, utcnow()):
        db.session.commit()


def check_rate_limit(key: ApiKey) -> None:
    """API_LIMIT_PER_KEY, counted in Flask-Limiter's storage (Redis when workers share counts)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    strategy = limiter.limiter
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    for item in parse_many(current_app.config["API_LIMIT_PER_KEY"]):
        if not strategy.hit(item, prefix, "api-key", key.prefix):
            reset_at = strategy.get_window_stats(item, prefix, "api-key", key.prefix).reset_time
            retry_after = max(1, int(reset_at - utcnow().timestamp()) + 1)
            abort(429, headers={"Retry-After": str(retry_after)})


def current_key() -> ApiKey:
    return g.api_key


def needs(scope: str) -> Callable:
    """A view the key's scope must cover: 403 otherwise."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not api_keys.allows(current_key(), scope):
                needed = f"it needs '{scope}'"
                abort(403, message=f"This key's scope ({current_key().scope}) does not allow this: {needed}.")
            return view(*args, **kwargs)

        return wrapper

    return decorate

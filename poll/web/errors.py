"""Error pages: a clear message for every 4xx, and a rollback on 500."""

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import LazyString, gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from redis.exceptions import RedisError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from poll.extensions import db
from poll.refusals import Refused
from poll.web.frame_cookies import KEYED_API_PREFIX

FRIENDLY_DESCRIPTIONS: dict[int, LazyString] = {
    400: lazy_gettext("The request could not be understood. Please go back and try again."),
    404: lazy_gettext("There is nothing at this address."),
    405: lazy_gettext("This address does not accept that kind of request."),
    413: lazy_gettext("What you sent is too large."),
    429: lazy_gettext("Too many requests in a short time. Please wait a moment and try again."),
}
# Werkzeug's names for the errors a reader meets, in the reader's language (others stay as werkzeug says).
ERROR_TITLES: dict[int, LazyString] = {
    400: lazy_gettext("Bad Request"),
    403: lazy_gettext("Forbidden"),
    404: lazy_gettext("Not Found"),
    405: lazy_gettext("Method Not Allowed"),
    409: lazy_gettext("Conflict"),
    413: lazy_gettext("Request Entity Too Large"),
    429: lazy_gettext("Too Many Requests"),
}

CSRF_DESCRIPTION = lazy_gettext(
    "This form has expired or did not come from this site. Please reload the page and try again."
)


def wants_json() -> bool:
    return request.path.endswith(".json") or request.path.startswith("/api/")


def render_error(code: int, title: str | LazyString, description: str | LazyString) -> Response:
    body: Response | str
    title, description = str(title), str(description)
    # The keyed API's errors have their own shape (poll.api.errors); these are the ones Flask answers
    # before a request reaches its blueprint (an address no route matches, a method a route does not take).
    if request.path.startswith(KEYED_API_PREFIX):
        body = jsonify(code=code, status=title, message=description, errors={})
    elif wants_json():
        body = jsonify(error=title, message=description)
    else:
        body = render_template("errors/error.html", code=code, title=title, description=description)
    return make_response(body, code)


def roll_back_refusal(error: HTTPException) -> None:
    """A request a rule refused keeps nothing it began (a service may flush before it says no)."""
    if isinstance(error, Refused):
        db.session.rollback()


def handle_http_error(error: HTTPException):
    roll_back_refusal(error)
    description = error.description
    # Rate-limit errors describe the limit ("5 per 1 minute"); readers need advice.
    if description == type(error).description or error.code == 429:
        description = FRIENDLY_DESCRIPTIONS.get(error.code or 500, description)
    title = ERROR_TITLES.get(error.code or 500, error.name)
    response = render_error(error.code or 500, title, description or title)
    # Keep headers werkzeug sets for us (Allow on 405, Retry-After on 429).
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_csrf_error(error: CSRFError):
    return render_error(400, gettext("Form expired"), CSRF_DESCRIPTION)


def server_error_response() -> Response:
    return render_error(
        500,
        gettext("Something went wrong"),
        gettext("Sorry, something went wrong on our side and nothing was saved. Please try again."),
    )


def handle_server_error(error: InternalServerError):
    db.session.rollback()
    return server_error_response()


def is_lock_contention(error: OperationalError) -> bool:
    """SQLite's "database is locked", PostgreSQL's lock and serialization failures."""
    code = getattr(error.orig, "sqlstate", None)
    return "database is locked" in str(error.orig) or code in {"55P03", "40001", "40P01"}


def come_back_later(title: str, description: str, seconds: int) -> Response:
    """A 503 that says nothing was saved and when to try again."""
    response = render_error(503, title, description)
    response.headers["Retry-After"] = str(seconds)
    return response


def handle_database_busy(error: OperationalError):
    """A database momentarily locked, or a connection dropped mid-request (a
    restarted server, a killed backend: the pool replaces it for the next
    request), is a reason to come back, not a crash. The transaction was rolled
    back, so nothing of the request was saved."""
    db.session.rollback()
    if not (is_lock_contention(error) or error.connection_invalidated):
        raise error
    return come_back_later(
        gettext("Busy"),
        gettext("We are busy for a moment and nothing was saved. Please try again in a moment."),
        seconds=2,
    )


def handle_limits_unreachable(error: RedisError) -> Response:
    """The shared rate-limit store (Redis) cannot be reached. Limits fail closed:
    they are what keeps one address from stuffing a poll, so a write is refused
    with a reason to come back, and nothing is saved, rather than let through unchecked."""
    db.session.rollback()
    return come_back_later(
        gettext("Briefly unavailable"),
        gettext(
            "We cannot check how often this was sent right now, so nothing was saved. "
            "Please try again in a moment."
        ),
        seconds=5,
    )


UNTRUSTED_HOST = "This site does not answer to that host name."


def handle_untrusted_host(error: SecurityError) -> Response:
    """A Host outside TRUSTED_HOSTS: plain text, since without a trusted host
    no URL (not even the stylesheet's) can be built for an error page."""
    return Response(UNTRUSTED_HOST + "\n", 400, content_type="text/plain; charset=utf-8")


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(OperationalError, handle_database_busy)
    app.register_error_handler(RedisError, handle_limits_unreachable)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_http_error)

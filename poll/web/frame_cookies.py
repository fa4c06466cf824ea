"""Cookies for the poll inside a newspaper's page (``/polls/<slug>/embed...``).

A browser sends no ``SameSite=Lax`` cookie into a frame on another site, so
the full site's session and voter cookies would never reach the embed: every
vote would fail CSRF and nobody could be recognised. Inside the frame, the
app therefore uses cookies of their own names that are ``SameSite=None;
Secure; Partitioned`` under HTTPS: partitioned (CHIPS) cookies are kept per
embedding site even where third-party cookies are blocked, and their own
names keep them apart from the full site's cookies (a moderator's session
can never be re-sent with the frame's attributes).

Without HTTPS a browser refuses ``SameSite=None``, so the frame's cookies stay
``Lax``: the embed then works on our own site only, and elsewhere the reader
is sent to the full poll (templates/polls/embed.html).

Both are recognised by path, not endpoint: the session is opened before
Flask has matched the URL.
"""

from flask import Flask, Request, current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

VOTER_COOKIE = "voter"
FRAME_SESSION_COOKIE = "frame_session"
FRAME_VOTER_COOKIE = "frame_voter"


def is_frame_path(path: str) -> bool:
    """``/polls/<slug>/embed`` and everything below it (its vote and results.json)."""
    parts = path.strip("/").split("/")
    return len(parts) >= 3 and parts[0] == "polls" and parts[2] == "embed"


# The last segment of every poll.polls.api path.
API_FILE_NAMES = frozenset({"results.json", "tally.json"})


def is_api_path(path: str) -> bool:
    """``/polls/<slug>/results.json``, ``/polls/<slug>/tally.json`` and the
    embed's ``/polls/<slug>/embed/results.json`` (poll.polls.api): they read the
    signed voter cookie and nothing else, so they open no session."""
    parts = path.strip("/").split("/")
    if parts[0] != "polls" or parts[-1] not in API_FILE_NAMES:
        return False
    return len(parts) == 3 or (len(parts) == 4 and parts[2] == "embed")


def is_look_path(path: str) -> bool:
    """``/polls/<slug>/look.css``: the same for every reader, so it reads no cookie (no ``Vary: Cookie``
    to keep it from shared caches)."""
    parts = path.strip("/").split("/")
    return len(parts) == 3 and parts[0] == "polls" and parts[2] == "look.css"


def in_frame() -> bool:
    return has_request_context() and is_frame_path(request.path)


def cross_site_cookies(app: Flask) -> bool:
    """The frame's cookies may cross sites: only over HTTPS (``Secure`` is required)."""
    return bool(app.config["SESSION_COOKIE_SECURE"])


def voter_cookie_name() -> str:
    return FRAME_VOTER_COOKIE if in_frame() else VOTER_COOKIE


def voter_cookie_attributes() -> dict:
    """``set_cookie`` arguments for the voter cookie of the current request's page."""
    if in_frame() and cross_site_cookies(current_app):
        return {"secure": True, "samesite": "None", "partitioned": True}
    return {"secure": bool(current_app.config["SESSION_COOKIE_SECURE"]), "samesite": "Lax"}


class FrameAwareSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the frame's own cookie inside the
    embed, and none at all for the JSON paths: Flask then uses its read-only
    NullSession and saves nothing (opening the cookie costs a new signing
    serializer per request, a tenth of a results.json answer)."""

    def open_session(self, app: Flask, request: Request):
        if is_api_path(request.path) or is_look_path(request.path):
            return None
        return super().open_session(app, request)

    def get_cookie_name(self, app: Flask) -> str:
        return FRAME_SESSION_COOKIE if in_frame() else super().get_cookie_name(app)

    def get_cookie_samesite(self, app: Flask) -> str | None:
        if in_frame() and cross_site_cookies(app):
            return "None"
        return super().get_cookie_samesite(app)

    def get_cookie_partitioned(self, app: Flask) -> bool:
        if in_frame() and cross_site_cookies(app):
            return True
        return super().get_cookie_partitioned(app)

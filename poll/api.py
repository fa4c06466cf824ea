"""JSON endpoints, answered by a lean Flask app of their own.

``results.json`` (and ``tally.json``, its public twin) is the request readers
repeat most. It changes nothing, so it needs no session, CSRF token, login or
rate limit, yet the page app's hooks for those cost more than the read itself.
``*.json`` paths therefore go to a second Flask app with the same
configuration and database engine, the same
JSON error answers, and Flask-Talisman headers with a policy for data.
"""

import hashlib

from flask import Blueprint, Flask, Request, Response, abort, current_app, jsonify, request
from flask.sessions import SessionInterface
from sqlalchemy import Engine

from .db_types import utcnow
from .errors import register_api_error_handlers
from .extensions import db
from .request_checks import reject_null_characters, reject_oversized_stream
from .security import init_api_security
from .services.voting import ResultsSnapshot, results_snapshot
from .view_helpers import NO_SUCH_POLL
from .voter import current_voter_id

bp = Blueprint("api", __name__)
ENGINE = "debate_poll.engine"


def engine() -> Engine:
    return current_app.extensions[ENGINE]


def snapshot_etag(snapshot: ResultsSnapshot, *, is_open: bool, personal: bool) -> str:
    """A tag for everything the answer says, computed from the snapshot, so that
    an unchanged tally is answered 304 before any JSON is built: live results
    ask every few seconds, and mostly nothing has changed."""
    state = (
        snapshot.slug,
        snapshot.question,
        is_open,
        snapshot.my_choice if personal else None,
        tuple(snapshot.tally.choices),
    )
    return hashlib.blake2s(repr(state).encode(), digest_size=12).hexdigest()


def conditional_json(etag: str, cache_control: str, **body) -> Response:
    """The body as JSON with ``etag``, or 304 (no body built) when the reader already has it."""
    response = Response(status=304) if etag in request.if_none_match else jsonify(**body)
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    return response


def snapshot_or_404(slug: str, voter_id: str | None) -> ResultsSnapshot:
    with engine().connect() as connection:
        snapshot = results_snapshot(slug, voter_id, connection)
    if snapshot is None:
        abort(404, description=NO_SUCH_POLL)
    return snapshot


@bp.get("/polls/<slug>/results.json")
def results(slug: str):
    snapshot = snapshot_or_404(slug, current_voter_id())
    now = utcnow()
    if not snapshot.results_visible(now):
        abort(403, description="Results are shown once you have voted.")
    is_open = snapshot.is_open(now)
    response = conditional_json(
        snapshot_etag(snapshot, is_open=is_open, personal=True),
        # my_choice is this reader's own: a shared cache must not hand it to another,
        # and a browser must ask again each time (results are live).
        "private, no-cache",
        poll=snapshot.slug,
        question=snapshot.question,
        is_open=is_open,
        my_choice=snapshot.my_choice,
        **snapshot.tally.as_dict(),
    )
    response.vary.add("Cookie")
    return response


# The same for the embedded card: under /polls/<slug>/embed, so that the frame's
# own voter cookie is the one read (poll.frame_cookies).
bp.add_url_rule("/polls/<slug>/embed/results.json", "frame_results", results)


@bp.get("/polls/<slug>/tally.json")
def tally(slug: str):
    """The tally alone, the same for every reader: no cookie is read, so a CDN
    or the browser may keep it for two seconds and serve a crowd from one answer.
    Only where anyone may see the results (poll closed, or results shown before voting)."""
    snapshot = snapshot_or_404(slug, None)
    now = utcnow()
    if not snapshot.results_are_public(now):
        abort(403, description="This poll shows its results only to readers who have voted.")
    is_open = snapshot.is_open(now)
    return conditional_json(
        snapshot_etag(snapshot, is_open=is_open, personal=False),
        "public, max-age=2, stale-while-revalidate=30",
        poll=snapshot.slug,
        is_open=is_open,
        **snapshot.tally.as_dict(),
    )


class NoSessions(SessionInterface):
    """The JSON app reads the signed voter cookie and nothing else. Flask would
    otherwise open the session cookie on every request (a new signing
    serializer each time, a tenth of a results.json request); with this, the
    session is Flask's read-only NullSession and nothing is saved."""

    def open_session(self, app: Flask, request: Request) -> None:
        return None

    def save_session(self, app: Flask, session, response: Response) -> None:
        return None


def create_api_app(pages: Flask) -> Flask:
    """The JSON app beside ``pages``: its configuration, and its database engine
    (one pool per process, disposed with the page app's)."""
    api = Flask(__name__, instance_path=pages.instance_path)
    api.config.from_mapping(pages.config)
    api.session_interface = NoSessions()
    with pages.app_context():
        api.extensions[ENGINE] = db.engine
    api.before_request(reject_oversized_stream)
    api.before_request(reject_null_characters)
    init_api_security(api)
    register_api_error_handlers(api)
    api.register_blueprint(bp)
    return api


class JsonRequests:
    """WSGI: requests for ``*.json`` to the API app, all others (static files
    included, whatever their name) to the pages."""

    def __init__(self, pages_wsgi, api: Flask, static_url_path: str):
        self.pages_wsgi = pages_wsgi
        self.api = api
        self.static_prefix = static_url_path.rstrip("/") + "/"

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.endswith(".json") and not path.startswith(self.static_prefix):
            return self.api(environ, start_response)
        return self.pages_wsgi(environ, start_response)

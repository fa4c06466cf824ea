"""JSON endpoints: live results for the poll page and the embedded card.

``results.json`` (and ``tally.json``, its public twin) is the request readers
repeat most. It changes nothing, so it needs no session, CSRF token or rate
limit: the blueprint is exempt from CSRF and the limiter, its paths open no
session (poll.web.frame_cookies.is_api_path; a test checks it knows every route
here), and each view sends Flask-Talisman headers with a policy for data, not
a page. Errors are JSON through the app's own handlers (poll.web.errors.wants_json).
"""

import hashlib

from flask import Blueprint, Response, abort, jsonify, request

from poll.database.column_types import utcnow
from poll.extensions import csrf, limiter, talisman
from poll.polls.results import ResultsSnapshot
from poll.polls.vote_taking import snapshot_or_404
from poll.voters.cookie import current_voter_id
from poll.web.security import API_VIEW_OPTIONS

bp = Blueprint("api", __name__)
csrf.exempt(bp)
limiter.exempt(bp)


def snapshot_etag(snapshot: ResultsSnapshot, *, is_open: bool, personal: bool) -> str:
    """A tag for everything the answer says, computed from the snapshot, so that
    an unchanged tally is answered 304 before any JSON is built: live results
    ask every few seconds, and mostly nothing has changed."""
    state = (
        snapshot.slug,
        snapshot.question,
        is_open,
        snapshot.my_choice if personal else None,
        snapshot.tally.choices,
    )
    return hashlib.blake2s(repr(state).encode(), digest_size=12).hexdigest()


def conditional_json(etag: str, cache_control: str, **body) -> Response:
    """The body as JSON with ``etag``, or 304 (no body built) when the reader already has it."""
    response = Response(status=304) if etag in request.if_none_match else jsonify(**body)
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache_control
    return response


@bp.get("/polls/<slug>/results.json")
@talisman(**API_VIEW_OPTIONS)
def results(slug: str):
    snapshot = snapshot_or_404(slug, current_voter_id(), for_page=False)
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
# own voter cookie is the one read (poll.web.frame_cookies).
bp.add_url_rule("/polls/<slug>/embed/results.json", "frame_results", results)


@bp.get("/polls/<slug>/tally.json")
@talisman(**API_VIEW_OPTIONS)
def tally(slug: str):
    """The tally alone, the same for every reader: no cookie is read, so a CDN
    or the browser may keep it for two seconds and serve a crowd from one answer.
    Only where anyone may see the results (poll closed, or results shown before voting)."""
    snapshot = snapshot_or_404(slug, None, for_page=False)
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

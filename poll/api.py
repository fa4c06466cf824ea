"""JSON endpoints."""

from flask import Blueprint, abort, jsonify

from .db_types import utcnow
from .extensions import db
from .public import NO_SUCH_POLL, results_visible
from .services.voting import results_snapshot
from .voter import current_voter_id

bp = Blueprint("api", __name__)


@bp.get("/polls/<slug>/results.json")
def results(slug: str):
    # A pooled connection of its own: this read needs no ORM session, and
    # setting one up and tearing it down would cost more than the query.
    with db.engine.connect() as connection:
        snapshot = results_snapshot(slug, current_voter_id(), connection)
    if snapshot is None:
        abort(404, description=NO_SUCH_POLL)
    now = utcnow()
    if not results_visible(snapshot, now):
        abort(403, description="Results are shown once you have voted.")
    return jsonify(
        poll=snapshot.slug,
        question=snapshot.question,
        is_open=snapshot.is_open(now),
        my_choice=snapshot.my_choice,
        **snapshot.tally.as_dict(),
    )

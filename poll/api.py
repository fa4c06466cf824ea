"""JSON endpoints."""

from flask import Blueprint, abort, jsonify

from .db_types import utcnow
from .public import poll_or_404, results_visible
from .services.voting import current_choice_key, tally
from .voter import current_voter_id

bp = Blueprint("api", __name__)


@bp.get("/polls/<slug>/results.json")
def results(slug: str):
    poll = poll_or_404(slug)
    now = utcnow()
    my_choice = current_choice_key(poll, current_voter_id())
    if not results_visible(poll, my_choice, now):
        abort(403, description="Results are shown once you have voted.")
    return jsonify(
        poll=poll.slug,
        question=poll.question,
        is_open=poll.is_open(now),
        my_choice=my_choice,
        **tally(poll).as_dict(),
    )

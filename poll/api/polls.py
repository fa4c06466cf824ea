"""/api/v1/polls: listing, reading, creating, editing, closing, reopening and featuring polls, and
their results with totals over time."""

from flask import Response

from poll.api import poll_input
from poll.api.auth import current_key, needs
from poll.api.blueprint import bp, documented_errors
from poll.api.schemas import PollCreate, PollEdit, PollList, PollOut, ResultsOut
from poll.database.column_types import utcnow
from poll.database.models import SCOPE_POLLS, SCOPE_READ, Poll
from poll.extensions import db
from poll.polls import editing
from poll.polls.editing import PollError
from poll.polls.finding import all_polls
from poll.polls.results import snapshot_of_poll
from poll.polls.timeline import kept_series
from poll.polls.vote_taking import poll_or_404


@bp.get("/polls")
@needs(SCOPE_READ)
@bp.response(200, PollList)
@documented_errors()
def list_polls():
    """Every poll, newest first. Scope: any."""
    return {"polls": all_polls()}


@bp.post("/polls")
@needs(SCOPE_POLLS)
@bp.arguments(PollCreate)
@bp.response(201, PollOut)
@documented_errors(409, 413)
def create_poll(data: dict):
    """Create a poll (its slug made from the title unless given). Scope: polls."""
    fields, choices = poll_input.new_poll(data)
    try:
        poll = editing.add_poll(fields, choices, current_key(), utcnow())
    except PollError as error:
        poll_input.refused_poll_change(error)
    db.session.commit()
    return poll


@bp.get("/polls/<slug>")
@needs(SCOPE_READ)
@bp.response(200, PollOut)
@documented_errors()
def read_poll(slug: str):
    """One poll. Scope: any."""
    return poll_or_404(slug)


@bp.patch("/polls/<slug>")
@needs(SCOPE_POLLS)
@bp.arguments(PollEdit)
@bp.response(200, PollOut)
@documented_errors(409, 413)
def edit_poll(data: dict, slug: str):
    """Change the fields given; the others stay. Choices with votes cannot be removed. Scope: polls."""
    poll = poll_or_404(slug)
    fields, choices = poll_input.edited_poll(poll, data)
    try:
        editing.edit_poll(poll, fields, choices, current_key(), utcnow())
    except PollError as error:
        poll_input.refused_poll_change(error)
    db.session.commit()
    return poll


def _poll_action(slug: str, action) -> Poll:
    poll = poll_or_404(slug)
    try:
        action(poll, current_key(), utcnow())
    except PollError as error:
        poll_input.refused_poll_change(error)
    db.session.commit()
    return poll


@bp.post("/polls/<slug>/close")
@needs(SCOPE_POLLS)
@bp.response(200, PollOut)
@documented_errors(409)
def close_poll(slug: str):
    """Close the poll now: it takes no more votes. 409 if it is closed already. Scope: polls."""
    return _poll_action(slug, editing.close_poll)


@bp.post("/polls/<slug>/reopen")
@needs(SCOPE_POLLS)
@bp.response(200, PollOut)
@documented_errors(409)
def reopen_poll(slug: str):
    """Take votes again, with no closing time. 409 if it is not closed. Scope: polls."""
    return _poll_action(slug, editing.reopen_poll)


@bp.post("/polls/<slug>/feature")
@needs(SCOPE_POLLS)
@bp.response(200, PollOut)
@documented_errors()
def feature_poll(slug: str):
    """Show this poll at the site's front page. Scope: polls."""
    return _poll_action(slug, editing.feature_poll)


@bp.get("/polls/<slug>/results")
@needs(SCOPE_READ)
@bp.response(200, ResultsOut)
@documented_errors()
def poll_results(slug: str) -> dict | Response:
    """The counted votes per choice, and how they added up hour by hour or day by day. Scope: any."""
    poll = poll_or_404(slug)
    snapshot = snapshot_of_poll(poll, my_choice=None)
    keys = [choice.key for choice in poll.choices]
    series = kept_series(snapshot)
    return {
        "slug": poll.slug,
        "results_public": snapshot.results_are_public(utcnow()),
        **snapshot.tally.as_dict(),
        "series": {
            "step": series.step,
            "points": [
                {
                    "starts_at": point.starts_at,
                    "totals": dict(zip(keys, point.votes, strict=True)),
                    "total": point.total,
                }
                for point in series.points
            ],
        },
    }

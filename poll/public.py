"""Public pages: the poll, voting and results."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from .db_types import utcnow
from .extensions import db
from .forms import VoteForm
from .models import RESULTS_ALWAYS, Poll
from .services.polls import featured_poll, poll_by_slug
from .services.voting import VoteOutcome, cast_vote, current_choice_key, tally
from .voter import current_voter_id, ensure_voter_id

bp = Blueprint("public", __name__)

VOTE_MESSAGES = {
    VoteOutcome.CREATED: "Thank you: your vote is counted.",
    VoteOutcome.CHANGED: "Your vote has been changed.",
    VoteOutcome.UNCHANGED: "That was already your answer; your vote stays as it was.",
}


def poll_or_404(slug: str) -> Poll:
    poll = poll_by_slug(slug)
    if poll is None:
        abort(404, description="There is no poll at this address. It may have been removed.")
    return poll


def results_visible(poll: Poll, my_choice: str | None, now) -> bool:
    return poll.has_closed(now) or poll.results_visibility == RESULTS_ALWAYS or my_choice is not None


def render_poll(poll: Poll, form: VoteForm | None = None, status: int = 200):
    now = utcnow()
    my_choice = current_choice_key(poll, current_voter_id())
    form = form or VoteForm.for_poll(poll, choice=my_choice)
    context = {
        "poll": poll,
        "form": form,
        "my_choice": my_choice,
        "is_open": poll.is_open(now),
        "has_closed": poll.has_closed(now),
        "tally": tally(poll) if results_visible(poll, my_choice, now) else None,
    }
    return render_template("public/poll.html", **context), status


@bp.get("/")
def index():
    poll = featured_poll()
    if poll is None:
        return render_template("public/no_poll.html"), 404
    return render_poll(poll)


@bp.get("/polls/<slug>")
def poll_page(slug: str):
    return render_poll(poll_or_404(slug))


@bp.post("/polls/<slug>/vote")
def vote(slug: str):
    poll = poll_or_404(slug)
    now = utcnow()
    if not poll.is_open(now):
        reason = "has closed" if poll.has_closed(now) else "is not open yet"
        abort(403, description=f"This poll {reason}, so it cannot take votes.")
    form = VoteForm.for_poll(poll)
    if not form.validate_on_submit():
        return render_poll(poll, form=form, status=400)
    outcome = cast_vote(poll, poll.choice_by_key(form.choice.data), ensure_voter_id(), now)
    db.session.commit()
    flash(VOTE_MESSAGES[outcome], "success")
    return redirect(url_for(".poll_page", slug=poll.slug, _anchor="results"))

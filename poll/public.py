"""Public pages: the poll, voting and results."""

import ipaddress
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address

from .db_types import utcnow
from .errors import handle_http_error, render_error
from .extensions import db, limiter
from .forms import CommentForm, VoteForm
from .models import COMMENT_APPROVED, RESULTS_ALWAYS, Poll
from .pseudonyms import ip_hash
from .services.comments import awaiting_review, debate_page, post_comment
from .services.polls import featured_poll, poll_by_slug
from .services.voting import ResultsSnapshot, VoteOutcome, ballot, cast_vote, has_voted, results_snapshot
from .voter import current_voter_id, ensure_voter_id

bp = Blueprint("public", __name__)

VOTE_MESSAGES = {
    VoteOutcome.CREATED: "Thank you: your vote is counted.",
    VoteOutcome.CHANGED: "Your vote has been changed.",
    VoteOutcome.UNCHANGED: "That was already your answer; your vote stays as it was.",
}


NO_SUCH_POLL = "There is no poll at this address. It may have been removed."


def poll_or_404(slug: str) -> Poll:
    poll = poll_by_slug(slug)
    if poll is None:
        abort(404, description=NO_SUCH_POLL)
    return poll


def results_visible(snapshot: ResultsSnapshot, now: datetime) -> bool:
    return (
        snapshot.has_closed(now)
        or snapshot.results_visibility == RESULTS_ALWAYS
        or snapshot.my_choice is not None
    )


def render_poll(poll: Poll, form: VoteForm | None = None, status: int = 200):
    now = utcnow()
    snapshot = results_snapshot(poll.slug, current_voter_id())
    form = form or VoteForm.for_poll(poll, choice=snapshot.my_choice)
    context = {
        "poll": poll,
        "form": form,
        "my_choice": snapshot.my_choice,
        "is_open": poll.is_open(now),
        "has_closed": poll.has_closed(now),
        "tally": snapshot.tally if results_visible(snapshot, now) else None,
        "comment_form_data": CommentForm(),
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


NEW_VOTERS_SCOPE = "new-voters"
NEW_VOTERS_REFUSED = (
    "This connection has brought too many new voters to this poll in a short time, so your vote was "
    "not recorded. If many people share your connection (an office, a school, a mobile network), "
    "please try again later. Readers who have voted already can still change their vote."
)


def network_of_address() -> str:
    """The client's address, IPv6 by its /64: a host is handed a whole /64, so
    each address in it is no more a new household than a new cookie is."""
    address = get_remote_address()
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def new_voter_key() -> str:
    """New voters are counted per address and poll (an office reading several polls is not a burst)."""
    return f"{network_of_address()}:{request.view_args.get('slug', '')}"


def is_vote_change() -> bool:
    """This browser already has a vote in the poll, so this post can only change it.

    A valid cookie alone is not enough: cookies gathered in another poll or by
    commenting would otherwise pass as vote changes and escape the limit.
    """
    voter_id = current_voter_id()
    return voter_id is not None and has_voted(request.view_args.get("slug", ""), voter_id)


@bp.errorhandler(RateLimitExceeded)
def rate_limited(error: RateLimitExceeded):
    """A refused new voter is told what happened; other limits get the usual page."""
    if error.description != NEW_VOTERS_REFUSED:
        return handle_http_error(error)
    return render_error(429, "Too many new voters from this connection", NEW_VOTERS_REFUSED)


@bp.post("/polls/<slug>/vote")
@limiter.limit(lambda: current_app.config["VOTE_LIMIT_PER_IP"], key_func=get_remote_address)
@limiter.limit(
    lambda: current_app.config["NEW_VOTER_LIMIT_PER_IP"],
    key_func=new_voter_key,
    scope=NEW_VOTERS_SCOPE,
    exempt_when=is_vote_change,
    error_message=NEW_VOTERS_REFUSED,
)
def vote(slug: str):
    poll = ballot(slug)
    if poll is None:
        abort(404, description=NO_SUCH_POLL)
    now = utcnow()
    if not poll.is_open(now):
        reason = "has closed" if poll.has_closed(now) else "is not open yet"
        abort(403, description=f"This poll {reason}, so it cannot take votes.")
    form = VoteForm.for_poll(poll)
    if not form.validate_on_submit():
        return render_poll(poll_or_404(slug), form=form, status=400)
    choice = poll.choice_by_key(form.choice.data)
    outcome = cast_vote(poll, choice, ensure_voter_id(), now, ip_hash(request.remote_addr))
    db.session.commit()
    flash(VOTE_MESSAGES[outcome], "success")
    return redirect(url_for(".poll_page", slug=slug, _anchor="results"))


def voter_rate_key() -> str:
    """Rate-limit key for the browser's voter id, issued now if it has none, so
    that a new browser's first post counts against the same key as its next."""
    return f"voter:{ensure_voter_id()}"


def requested_page() -> int:
    return max(1, min(request.args.get("page", 1, type=int), 10_000))


def render_debate(poll: Poll, form: CommentForm | None = None, status: int = 200):
    page = debate_page(poll, requested_page(), current_app.config["COMMENTS_PER_PAGE"])
    context = {
        "poll": poll,
        "debate": page,
        "form": form or CommentForm(),
        "awaiting": awaiting_review(poll, current_voter_id()),
        "is_open": poll.is_open(utcnow()),
    }
    return render_template("public/debate.html", **context), status


@bp.get("/polls/<slug>/debate")
def debate(slug: str):
    return render_debate(poll_or_404(slug))


@bp.post("/polls/<slug>/comments")
@limiter.limit(lambda: current_app.config["COMMENT_LIMIT_PER_VOTER"], key_func=voter_rate_key)
@limiter.limit(lambda: current_app.config["COMMENT_LIMIT_PER_IP"], key_func=get_remote_address)
def comment(slug: str):
    poll = poll_or_404(slug)
    now = utcnow()
    if not poll.is_open(now):
        abort(403, description="This poll is closed, and so is its debate.")
    form = CommentForm()
    if not form.validate_on_submit():
        return render_debate(poll, form=form, status=400)
    name = form.display_name.data or ""
    posted = post_comment(poll, ensure_voter_id(), form.body.data, name, ip_hash(request.remote_addr), now)
    db.session.commit()
    if posted.status == COMMENT_APPROVED:
        flash("Thank you: your comment is published.", "success")
        return redirect(url_for(".debate", slug=slug, _anchor=f"comment-{posted.id}"))
    flash("Thank you: your comment will appear once a moderator has reviewed it.", "success")
    return redirect(url_for(".debate", slug=slug, _anchor="awaiting-review"))

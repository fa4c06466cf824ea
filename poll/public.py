"""Public pages: the poll, voting and results, and the debate."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address

from .db_types import utcnow
from .errors import handle_http_error, render_error
from .extensions import db, limiter
from .forms import CommentForm, VoteForm
from .models import COMMENT_APPROVED, Poll
from .pseudonyms import ip_hash
from .services.comments import awaiting_review, debate_page, post_comment
from .services.polls import featured_poll
from .services.voting import results_snapshot
from .view_helpers import NEW_VOTERS_REFUSED, json_path, poll_or_404, requested_page, submit_vote, vote_limits
from .voter import current_voter_id, ensure_voter_id

bp = Blueprint("public", __name__)


def render_poll(poll: Poll, form: VoteForm | None = None, status: int = 200):
    now = utcnow()
    snapshot = results_snapshot(poll.slug, current_voter_id())
    # ?choice= preselects an answer: the embed sends readers here when its frame cannot keep a vote.
    wanted = request.args.get("choice") if poll.choice_by_key(request.args.get("choice", "")) else None
    form = form or VoteForm.for_poll(poll, choice=snapshot.my_choice or wanted)
    public = snapshot.results_are_public(now)
    context = {
        "poll": poll,
        "form": form,
        "my_choice": snapshot.my_choice,
        "is_open": poll.is_open(now),
        "has_closed": poll.has_closed(now),
        "tally": snapshot.tally if snapshot.results_visible(now) else None,
        # For link previews (Open Graph) only where anyone may see it.
        "public_tally": snapshot.tally if public else None,
        "live_url": json_path(poll.slug, "tally.json" if public else "results.json"),
        "live_interval": current_app.config["LIVE_RESULTS_INTERVAL_MS"],
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


@bp.errorhandler(RateLimitExceeded)
def rate_limited(error: RateLimitExceeded):
    """A refused new voter is told what happened; other limits get the usual page."""
    if error.description != NEW_VOTERS_REFUSED:
        return handle_http_error(error)
    return render_error(429, "Too many new voters from this connection", NEW_VOTERS_REFUSED)


@bp.post("/polls/<slug>/vote")
@vote_limits
def vote(slug: str):
    submitted = submit_vote(slug)
    if submitted.outcome is None:
        return render_poll(poll_or_404(slug), form=submitted.form, status=400)
    flash(submitted.message, "success")
    return redirect(url_for(".poll_page", slug=slug, _anchor="results"))


def voter_rate_key() -> str:
    """Rate-limit key for the browser's voter id, issued now if it has none, so
    that a new browser's first post counts against the same key as its next."""
    return f"voter:{ensure_voter_id()}"


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

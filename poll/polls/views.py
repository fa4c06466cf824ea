"""The poll's own pages: the poll, voting and its results."""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_limiter import RateLimitExceeded

from poll.debate.appeals import UnpublishedCounts, unpublished_counts
from poll.debate.forms import CommentForm
from poll.polls.finding import featured_slug
from poll.polls.forms import VoteForm
from poll.polls.look_css import css_etag, look_css
from poll.polls.looks import poll_look
from poll.polls.results import ResultsSnapshot
from poll.polls.timeline import TallySeries, page_series
from poll.polls.vote_taking import (
    NEW_VOTERS_REFUSED,
    NO_SUCH_POLL,
    PollPage,
    poll_page_of,
    snapshot_or_404,
    submit_vote,
    vote_limits,
)
from poll.voters.cookie import current_voter_id
from poll.web.errors import handle_http_error, render_error
from poll.web.page_cache import can_be_shared, shared_page
from poll.web.security import AUTHORS_OWN_PAGE_HEADERS

bp = Blueprint("polls", __name__)


def render_poll(snapshot: ResultsSnapshot, form: VoteForm | None = None, status: int = 200):
    """The poll page, drawn from the snapshot alone. A reader who has not voted
    and has no message waiting sees what every such reader sees, so that page
    is rendered once and kept (poll.web.page_cache) with only their token written in."""
    # ?choice= preselects an answer: the embed sends readers here when its frame cannot keep a vote.
    wanted = request.args.get("choice") if snapshot.choice_by_key(request.args.get("choice", "")) else None
    page_of = poll_page_of(snapshot, wanted)
    # How the tally moved, where anyone may see the tally (kept per process: poll.polls.timeline).
    timeline = page_series(page_of.snapshot) if page_of.public else None
    unpublished = unpublished_counts(snapshot.slug, current_voter_id())
    if unpublished:
        html = poll_page_html(page_of, timeline, form=form, unpublished=unpublished)
        return html, status, AUTHORS_OWN_PAGE_HEADERS
    if form is None and snapshot.my_choice is None and can_be_shared():
        return shared_page(poll_page_html, page_of, timeline), status
    return poll_page_html(page_of, timeline, form=form), status


def poll_page_html(
    page: PollPage,
    timeline: TallySeries | None = None,
    form: VoteForm | None = None,
    unpublished: UnpublishedCounts | None = None,
) -> str:
    snapshot, public = page.snapshot, page.public
    context = {
        "unpublished": unpublished or UnpublishedCounts(),
        "poll": snapshot,
        "form": form or VoteForm.for_poll(snapshot, choice=snapshot.my_choice or page.wanted),
        "my_choice": snapshot.my_choice,
        "is_open": page.is_open,
        "has_closed": page.has_closed,
        "tally": page.tally,
        # For link previews (Open Graph) only where anyone may see it.
        "public_tally": snapshot.tally if public else None,
        "live_url": url_for("api.tally" if public else "api.results", slug=snapshot.slug),
        "live_interval": current_app.config["LIVE_RESULTS_INTERVAL_MS"],
        "comment_form_data": CommentForm(),
        "comment_count": page.snapshot.comment_count,
        "timeline": timeline,
    }
    return render_template("polls/poll.html", **context)


@bp.get("/")
def index():
    slug = featured_slug()
    if slug is None:
        return render_template("polls/no_poll.html"), 404
    return render_poll(snapshot_or_404(slug, current_voter_id()))


@bp.get("/polls/<slug>")
def poll_page(slug: str):
    return render_poll(snapshot_or_404(slug, current_voter_id()))


@bp.get("/polls/<slug>/look.css")
def look_stylesheet(slug: str):
    """The poll's look as custom properties (linked from its page, its debate and its card): the
    same for everyone, kept a minute, then revalidated by its ETag."""
    look = poll_look(slug)
    if look is None:
        abort(404, description=NO_SUCH_POLL)
    css = look_css(look)
    etag = css_etag(css)
    response = Response(status=304) if etag in request.if_none_match else Response(css, mimetype="text/css")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.errorhandler(RateLimitExceeded)
def rate_limited(error: RateLimitExceeded):
    """A refused new voter is told what happened; other limits get the usual page."""
    if error.description != NEW_VOTERS_REFUSED:
        return handle_http_error(error)
    return render_error(429, gettext("Too many new voters from this connection"), NEW_VOTERS_REFUSED)


@bp.post("/polls/<slug>/vote")
@vote_limits
def vote(slug: str):
    submitted = submit_vote()
    if submitted.outcome is None:
        return render_poll(snapshot_or_404(slug, current_voter_id()), form=submitted.form, status=400)
    flash(str(submitted.message), "success")
    return redirect(url_for(".poll_page", slug=slug, _anchor="results"))

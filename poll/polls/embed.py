"""The poll inside a newspaper's article: a compact card for a frame, its vote,
and oEmbed, which lets a CMS turn a poll's address into that frame.

Inside the frame the app keeps its own cookies (poll.web.frame_cookies), and each
embed page names in its Content-Security-Policy exactly the sites that may
frame it: the poll's own list and the global EMBED_ORIGINS.
"""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.sansio.utils import host_is_trusted

from poll.debate.appeals import UnpublishedCounts, unpublished_counts
from poll.extensions import talisman
from poll.polls.embedding import embed_path_slug, embed_size, frame_ancestors, oembed_response
from poll.polls.finding import poll_by_slug
from poll.polls.forms import VoteForm
from poll.polls.frame_height import embed_height_for
from poll.polls.results import ResultsSnapshot, results_snapshot
from poll.polls.vote_taking import (
    NEW_VOTERS_REFUSED,
    NO_SUCH_POLL,
    PollPage,
    poll_page_of,
    snapshot_or_404,
    submit_vote,
    vote_limits,
)
from poll.voters.cookie import current_voter_id, read_voter_token
from poll.voters.pseudonyms import voter_id_for
from poll.web.errors import CSRF_DESCRIPTION, FRIENDLY_DESCRIPTIONS, handle_http_error, roll_back_refusal
from poll.web.frame_cookies import FRAME_SESSION_COOKIE, VOTER_COOKIE, cross_site_cookies, is_frame_path
from poll.web.page_cache import can_be_shared, shared_page
from poll.web.security import (
    AUTHORS_OWN_PAGE_HEADERS,
    EMBED_VIEW_OPTIONS,
    content_security_policy,
    policy_header,
)

bp = Blueprint("embed", __name__)

COOKIES_BLOCKED = lazy_gettext(
    "Your browser does not let this box on another site remember your vote, so it was not recorded "
    "here. Your choice is kept: finish voting on the poll's own page."
)


def allowed_frame_ancestors(poll: ResultsSnapshot | None) -> list[str]:
    return frame_ancestors(poll.embed_origin_list if poll else [], current_app.config["EMBED_ORIGINS"])


@bp.after_request
def frame_policy(response):
    """Every answer in the frame (errors included) says who may frame it; Talisman
    is told to leave these views alone (EMBED_VIEW_OPTIONS)."""
    if is_frame_path(request.path):
        ancestors = g.get("frame_ancestors") or allowed_frame_ancestors(None)
        response.headers["Content-Security-Policy"] = policy_header(content_security_policy(ancestors))
    return response


def render_embed(
    snapshot: ResultsSnapshot, form: VoteForm | None = None, status: int = 200, problem: str = ""
):
    """The card, drawn from the snapshot alone; kept and shared like the poll page
    (poll.web.page_cache) for readers who have not voted and have nothing waiting."""
    g.frame_ancestors = allowed_frame_ancestors(snapshot)
    # The reader's choice in a refused vote, for the link that finishes voting on the full page.
    wanted = form.choice.data if form is not None and snapshot.choice_by_key(form.choice.data or "") else None
    page_of = poll_page_of(snapshot, wanted)
    unpublished = unpublished_counts(snapshot.slug, comment_author_id())
    if unpublished:
        html = embed_html(page_of, form=form, problem=str(problem), unpublished=unpublished)
        return html, status, AUTHORS_OWN_PAGE_HEADERS
    if form is None and not problem and snapshot.my_choice is None and can_be_shared():
        return shared_page(embed_html, page_of), status
    return embed_html(page_of, form=form, problem=str(problem)), status


def comment_author_id() -> str | None:
    """Whose comments the card tells of. Comments are written on the full site, under its voter
    cookie, and the frame keeps a cookie of its own (poll.web.frame_cookies); the full site's
    reaches the card where the browser sends it (a frame on our own site, the card opened alone)."""
    token = read_voter_token(request.cookies.get(VOTER_COOKIE))
    return voter_id_for(token) if token is not None else current_voter_id()


def embed_html(
    page: PollPage,
    form: VoteForm | None = None,
    problem: str = "",
    unpublished: UnpublishedCounts | None = None,
) -> str:
    snapshot, public = page.snapshot, page.public
    context = {
        "unpublished": unpublished or UnpublishedCounts(),
        "poll": snapshot,
        "form": form or VoteForm.for_poll(snapshot, choice=snapshot.my_choice),
        "my_choice": snapshot.my_choice,
        "is_open": page.is_open,
        "has_closed": page.has_closed,
        "tally": page.tally,
        # Public tallies come from the cacheable tally.json; a voter's own view from the frame's results.json.
        "live_url": url_for("api.tally" if public else "api.frame_results", slug=snapshot.slug),
        "live_interval": current_app.config["LIVE_RESULTS_INTERVAL_MS"],
        "parents": allowed_frame_ancestors(snapshot),
        "cross_site": cross_site_cookies(current_app),
        "problem": problem,
        "comment_count": page.snapshot.comment_count,
        "full_poll_url": url_for("polls.poll_page", slug=snapshot.slug, choice=page.wanted, _anchor="vote"),
    }
    return render_template("polls/embed.html", **context)


@bp.get("/polls/<slug>/embed")
@talisman(**EMBED_VIEW_OPTIONS)
def card(slug: str):
    return render_embed(snapshot_or_404(slug, current_voter_id()))


@bp.post("/polls/<slug>/embed/vote")
@talisman(**EMBED_VIEW_OPTIONS)
@vote_limits
def vote(slug: str):
    submitted = submit_vote()
    if submitted.outcome is None:
        return render_embed(snapshot_or_404(slug, current_voter_id()), form=submitted.form, status=400)
    flash(str(submitted.message), "success")
    return redirect(url_for(".card", slug=slug))


def refused_vote(status: int, problem: str):
    """A refused post in the frame: the card again, the reader's choice kept, the reason on top."""
    slug = (request.view_args or {}).get("slug", "")
    snapshot = results_snapshot(slug, current_voter_id(), for_page=True) if slug else None
    if snapshot is None:
        g.frame_ancestors = allowed_frame_ancestors(None)
        return render_template("polls/embed.html", poll=None, problem=str(NO_SUCH_POLL)), 404
    # Bound to the post, so the reader's choice stays selected.
    form = VoteForm.for_poll(snapshot)
    return render_embed(snapshot, form=form, status=status, problem=problem)


@bp.errorhandler(CSRFError)
def form_expired(error: CSRFError):
    # No frame cookie at all: the browser keeps none in this frame (and will not next time).
    blocked = FRAME_SESSION_COOKIE not in request.cookies
    return refused_vote(400, COOKIES_BLOCKED if blocked else CSRF_DESCRIPTION)


@bp.errorhandler(RateLimitExceeded)
def rate_limited(error: RateLimitExceeded):
    problem = NEW_VOTERS_REFUSED if error.description == NEW_VOTERS_REFUSED else FRIENDLY_DESCRIPTIONS[429]
    return refused_vote(429, problem)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Closed polls and missing ones, said inside the card rather than as a full site page."""
    if not is_frame_path(request.path):
        return handle_http_error(error)
    roll_back_refusal(error)
    return refused_vote(error.code or 400, error.description or "")


# oEmbed ---------------------------------------------------------------------


def is_our_host(url: str) -> bool:
    """Whether ``url`` names this site (the host asked, or one of TRUSTED_HOSTS)."""
    host = urlsplit(url).hostname
    ours = [request.host, *(current_app.config.get("TRUSTED_HOSTS") or [])]
    return bool(host) and host_is_trusted(host, ours)


def positive_int(name: str) -> int | None:
    """An optional whole-number parameter; ValueError for anything else."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(name)
    return int(raw)


def oembed_error(status: int, message: str):
    response = jsonify(error=message)
    response.status_code = status
    return response


@bp.get("/oembed")
def oembed():
    """oEmbed 1.0 (https://oembed.com): the embed code for one of our polls' addresses."""
    if request.args.get("format", "json").lower() != "json":
        return oembed_error(501, "Only format=json is offered.")
    url = request.args.get("url", "").strip()
    if not url:
        return oembed_error(400, "Give the poll's address as url=.")
    try:
        bounds = positive_int("maxwidth"), positive_int("maxheight")
    except ValueError as error:
        return oembed_error(400, f"{error} must be a whole number of pixels.")
    slug = embed_path_slug(url) if is_our_host(url) else None
    poll = poll_by_slug(slug) if slug else None
    if poll is None:
        return oembed_error(404, "There is no poll of ours at that address.")
    size = embed_size(*bounds, height=embed_height_for(poll))
    response = jsonify(
        oembed_response(
            title=poll.title,
            embed_url=url_for("embed.card", slug=poll.slug, _external=True),
            provider_url=url_for("polls.index", _external=True),
            size=size,
        )
    )
    # Public and the same for everyone: CMSs fetch it from their servers, editors' browsers may too.
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response

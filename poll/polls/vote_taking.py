"""What several blueprints' views share: finding a poll and
taking a vote (the full poll page and the embedded card post the same ballot
under the same limits). Views import these; no view imports another view."""

import ipaddress
from dataclasses import dataclass
from typing import NamedTuple

from flask import abort, current_app, g, request
from flask_babel import lazy_gettext
from flask_limiter.util import get_remote_address

from poll.database.column_types import utcnow
from poll.database.models import Poll
from poll.extensions import db, limiter
from poll.polls.finding import poll_by_slug
from poll.polls.forms import VoteForm
from poll.polls.results import ResultsSnapshot, Tally, results_snapshot
from poll.polls.voting import Ballot, VoteOutcome, ballot, cast_vote, require_open_for_votes
from poll.voters.cookie import current_voter_id, ensure_voter_id
from poll.voters.pseudonyms import ip_hash
from poll.web.languages import use_poll_language

NO_SUCH_POLL = lazy_gettext("There is no poll at this address. It may have been removed.")


def poll_or_404(slug: str) -> Poll:
    """The poll at ``slug``, whose page this request draws (in the poll's language)."""
    poll = poll_by_slug(slug)
    if poll is None:
        abort(404, description=NO_SUCH_POLL)
    use_poll_language(poll.language)
    return poll


def snapshot_or_404(slug: str, voter_id: str | None, *, for_page: bool = True) -> ResultsSnapshot:
    """The poll at ``slug`` as ``voter_id`` sees it, all that the poll page, the embedded card
    (``for_page``: with the debate's size) and results.json draw from (read outside the session's
    transaction)."""
    with db.engine.connect() as connection:
        snapshot = results_snapshot(slug, voter_id, connection, for_page=for_page)
    if snapshot is None:
        abort(404, description=NO_SUCH_POLL)
    use_poll_language(snapshot.language)
    return snapshot


class PollPage(NamedTuple):
    """Everything a poll page (full or embedded) is drawn from but its form:
    the key under which a reader's page is kept (poll.web.page_cache)."""

    snapshot: ResultsSnapshot
    is_open: bool
    has_closed: bool
    public: bool
    wanted: str | None

    @property
    def tally(self) -> Tally | None:
        """The tally, where this reader may see it (ResultsSnapshot.results_visible: public, or voted)."""
        return self.snapshot.tally if self.public or self.snapshot.my_choice is not None else None


def poll_page_of(snapshot: ResultsSnapshot, wanted: str | None = None) -> PollPage:
    """The page of ``snapshot`` now, ``wanted`` the choice to preselect (the snapshot holds the
    debate's size, shown beside its link: a new comment is a new page)."""
    now = utcnow()
    return PollPage(
        snapshot.as_shown(now),
        is_open=snapshot.is_open(now),
        has_closed=snapshot.has_closed(now),
        public=snapshot.results_are_public(now),
        wanted=wanted,
    )


# Votes ----------------------------------------------------------------------

VOTE_MESSAGES = {
    VoteOutcome.CREATED: lazy_gettext("Thank you: your vote is counted."),
    VoteOutcome.CHANGED: lazy_gettext("Your vote has been changed."),
    VoteOutcome.UNCHANGED: lazy_gettext("That was already your answer; your vote stays as it was."),
}

VOTES_SCOPE = "votes"
NEW_VOTERS_SCOPE = "new-voters"
NEW_VOTERS_REFUSED = lazy_gettext(
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
    return f"{network_of_address()}:{(request.view_args or {}).get('slug', '')}"


def is_vote_change() -> bool:
    """This browser already has a vote in the poll, so this post can only change it.

    A valid cookie alone is not enough: cookies gathered in another poll or by
    commenting would otherwise pass as vote changes and escape the limit.
    """
    poll = ballot_of_request()
    return poll is not None and poll.has_my_vote


def ballot_of_request() -> Ballot | None:
    """The ballot of the poll this vote post names, for this browser: read once
    per request, though the new-voter limit asks for it before the view does."""
    if "ballot" not in g:
        g.ballot = ballot((request.view_args or {}).get("slug", ""), current_voter_id())
        if g.ballot is not None:
            use_poll_language(g.ballot.language)
    return g.ballot


def vote_limits(view):
    """The limits on casting a vote, shared by every view that takes one (the
    poll page's and the embed's count together: framing a poll is no way around them)."""
    view = limiter.shared_limit(
        lambda: current_app.config["NEW_VOTER_LIMIT_PER_IP"],
        scope=NEW_VOTERS_SCOPE,
        key_func=new_voter_key,
        exempt_when=is_vote_change,
        error_message=NEW_VOTERS_REFUSED,
    )(view)
    return limiter.shared_limit(
        lambda: current_app.config["VOTE_LIMIT_PER_IP"], scope=VOTES_SCOPE, key_func=get_remote_address
    )(view)


@dataclass
class SubmittedVote:
    """A vote post: its form, and the outcome if it was recorded (None: refused, errors on the form)."""

    form: VoteForm
    outcome: VoteOutcome | None

    @property
    def message(self) -> str:
        if self.outcome is None:
            raise ValueError("a refused vote has its errors on the form, not a message")
        return VOTE_MESSAGES[self.outcome]


def submit_vote() -> SubmittedVote:
    """Check and record this browser's vote in the poll the request names (committed)."""
    poll = ballot_of_request()
    if poll is None:
        abort(404, description=NO_SUCH_POLL)
    now = utcnow()
    # Before the form: a closed poll is refused whatever was chosen.
    require_open_for_votes(poll, now)
    form = VoteForm.for_poll(poll)
    if not form.validate_on_submit():
        return SubmittedVote(form, None)
    choice = poll.choice_by_key(form.choice.data)
    outcome = cast_vote(poll, choice, ensure_voter_id(), now, ip_hash(request.remote_addr))
    db.session.commit()
    return SubmittedVote(form, outcome)

"""The limits on posting comments, replies and good-point marks, and what a refused comment or reply
says when it comes back.

Whatever refuses a comment (the form's rules, an expired form, the rate limit,
a mute), the reader gets the debate page back with their text in the form and
the reason beside it (the form's action ends in #comment-form, so the browser
lands there). Only a stored comment counts toward the limits (deduct_when).
"""

import time
from datetime import UTC, datetime

from flask import current_app, request
from flask_babel import gettext, ngettext
from flask_limiter.util import get_remote_address

from poll.debate.forms import CommentForm
from poll.extensions import limiter
from poll.voters.cookie import current_voter_id, ensure_voter_id
from poll.web.dates import format_reader_moment
from poll.web.languages import reader_locale


def voter_rate_key() -> str:
    """Rate-limit key for the browser's voter id, issued now if it has none, so
    that a new browser's first post counts against the same key as its next."""
    return f"voter:{ensure_voter_id()}"


def known_voter_rate_key() -> str:
    """Rate-limit key for what only a browser that has voted may do (marks): its
    voter id, else its address. Never issues a voter cookie to a refused request."""
    voter_id = current_voter_id()
    return f"voter:{voter_id}" if voter_id is not None else f"address:{request.remote_addr}"


def form_expired_message(what: str = "comment") -> str:
    """An expired form, for a ``what`` ("comment", "reply", "appeal") that was not posted."""
    if what == "reply":
        return gettext(
            "This form had expired (or did not come from this page), so your reply was not posted. "
            "Your text is kept below: please post it again."
        )
    if what == "appeal":
        return gettext(
            "This form had expired (or did not come from this page), so your appeal was not posted. "
            "Your text is kept below: please post it again."
        )
    return gettext(
        "This form had expired (or did not come from this page), so your comment was not posted. "
        "Your text is kept below: please post it again."
    )


def refused_comment_form(message: str) -> CommentForm:
    """The comment form as it was sent, with ``message`` beside the text (and a fresh CSRF token)."""
    form = CommentForm()
    form.body.errors = [message]
    return form


def comment_limit_message(what: str = "comment") -> str:
    """Too many comments: when the limit that refused this one lets the next through."""
    limit = limiter.current_limit
    reset_at = limit.reset_at if limit is not None else time.time() + 60
    minutes = max(1, round((reset_at - time.time()) / 60))
    at = format_reader_moment(datetime.fromtimestamp(reset_at, UTC), "time", reader_locale())
    if what == "reply":
        return ngettext(
            "Too many requests in a short time, so your reply was not posted; your text is kept below. "
            "You can post again in about %(num)s minute (after %(time)s).",
            "Too many requests in a short time, so your reply was not posted; your text is kept below. "
            "You can post again in about %(num)s minutes (after %(time)s).",
            minutes,
            time=at,
        )
    return ngettext(
        "Too many requests in a short time, so your comment was not posted; your text is kept below. "
        "You can post again in about %(num)s minute (after %(time)s).",
        "Too many requests in a short time, so your comment was not posted; your text is kept below. "
        "You can post again in about %(num)s minutes (after %(time)s).",
        minutes,
        time=at,
    )


def muted_message(expires_at: datetime, what: str = "comment") -> str:
    until = format_reader_moment(expires_at, "long", reader_locale())
    if what == "reply":
        return gettext(
            "A moderator has paused comments from this browser until %(time)s, so this reply was not "
            "posted. Your text is kept below.",
            time=until,
        )
    return gettext(
        "A moderator has paused comments from this browser until %(time)s, so this comment was not "
        "posted. Your text is kept below.",
        time=until,
    )


def only_stored_comments_count(response) -> bool:
    """deduct_when: a refused comment (4xx) is not counted against the poster."""
    return response.status_code < 400


# A reply is a comment: both count against the same limits, so replying is no way around them.
COMMENTS_PER_IP_SCOPE = "comments-per-ip"


COMMENTS_PER_VOTER_SCOPE = "comments-per-voter"


def comment_limits(view):
    """The limits on posting, shared by the comment and the reply views."""
    view = limiter.shared_limit(
        lambda: current_app.config["COMMENT_LIMIT_PER_IP"],
        scope=COMMENTS_PER_IP_SCOPE,
        key_func=get_remote_address,
        deduct_when=only_stored_comments_count,
    )(view)
    return limiter.shared_limit(
        lambda: current_app.config["COMMENT_LIMIT_PER_VOTER"],
        scope=COMMENTS_PER_VOTER_SCOPE,
        key_func=voter_rate_key,
        deduct_when=only_stored_comments_count,
    )(view)

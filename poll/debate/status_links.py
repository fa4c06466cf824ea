"""A comment's private status link: an address its author keeps to see what became of the
comment from any device, with no cookie (the debate page's list needs the browser that wrote it).

The address holds a random token (a capability): whoever has the link may read the comment's
status and the moderator's reason, and nothing else. Only the token's SHA-256 is stored, so a
copy of the database opens no link; the token is shown once, after posting. A plain hash is
enough for a 256-bit random token (nothing to guess, so nothing to slow down).
"""

import hashlib
import hmac
import secrets

from flask_babel import lazy_gettext

from poll.database.models import Comment, Poll
from poll.debate.appeals import MAX_ID, AuthorView
from poll.extensions import db
from poll.refusals import Refused

TOKEN_BYTES = 32
# One answer for a wrong comment and a wrong token: the page says nothing of which it was.
NO_SUCH_STATUS_LINK = lazy_gettext(
    "There is no comment status at this address. Check that the whole link was copied; "
    "it is the one shown once after the comment was posted."
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_status_token() -> tuple[str, str]:
    """A new status link token and its hash: the hash is stored with the comment (``post_comment``'s
    ``status_token_hash``), the token shown to its author once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def comment_by_status_token(poll: Poll, comment_id: int, token: str) -> AuthorView:
    """The comment ``comment_id`` of ``poll`` as its author sees it, if ``token`` is its status
    token; otherwise a 404 that does not say whether the comment exists."""
    comment = db.session.get(Comment, comment_id) if 0 < comment_id <= MAX_ID else None
    stored = comment.status_token_hash if comment is not None and comment.poll_id == poll.id else None
    # Compared in constant time, so the answer's timing tells nothing of the stored hash.
    if comment is None or stored is None or not hmac.compare_digest(token_hash(token), stored):
        raise Refused(NO_SUCH_STATUS_LINK, 404)
    return AuthorView(comment)

"""What a comment's author sees of its fate, and their one appeal against a rejection.

Readers have no accounts: "the author" is the browser whose voter id wrote the
comment. An appeal puts a rejected comment back in the moderators' queue
(pending, flagged "appeal") with the author's note, once per comment.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext
from sqlalchemy import func, update

from poll.accounts import audit
from poll.alerts.events import COMMENT_APPEALED, emit_for_comment
from poll.database import rows_changed
from poll.database.models import (
    COMMENT_FLAGGED,
    COMMENT_PENDING,
    COMMENT_REJECTED,
    FLAG_APPEAL,
    Comment,
    CommentFlag,
    Poll,
)
from poll.debate.comments import require_open_debate
from poll.extensions import db
from poll.refusals import Refused

APPEALS_CLOSED = lazy_gettext("This poll is closed, and so is its debate: its comments cannot be appealed.")

APPEAL_ACTION = "comment.appeal"
MAX_ID = 2**31 - 1
# Who the audit log names for an appeal: readers have no account to name.
AUTHOR_ACTOR = "comment author"

NOT_YOURS = lazy_gettext(
    "There is no comment of yours at this address. Appeals are open only to a comment's author."
)
NOT_REJECTED = lazy_gettext("Only a rejected comment can be appealed; this one is not rejected.")
ALREADY_APPEALED = lazy_gettext("You have already appealed this decision; a comment can be appealed once.")


class AppealError(Refused):
    """An appeal that cannot be made (404: not this browser's; 409: not now)."""


def author_state(status: str) -> str:
    """What the author is told of a comment's status: pending (flagged counts: the author is not
    told why it waits), published or rejected."""
    if status == COMMENT_REJECTED:
        return "rejected"
    if status in (COMMENT_PENDING, COMMENT_FLAGGED):
        return "pending"
    return "published"


@dataclass(frozen=True)
class AuthorView:
    """One of the author's comments as its author sees it."""

    comment: Comment

    @property
    def state(self) -> str:
        return author_state(self.comment.status)

    @property
    def appealed(self) -> bool:
        return self.comment.appealed_at is not None

    @property
    def can_appeal(self) -> bool:
        return self.state == "rejected" and not self.appealed


def my_comments(poll: Poll, voter_id: str | None) -> list[AuthorView]:
    """Every comment this voter wrote on ``poll``, newest first (none without a voter id)."""
    if voter_id is None:
        return []
    rows = db.session.execute(
        db.select(Comment)
        .where(Comment.poll_id == poll.id, Comment.voter_id == voter_id)
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    ).scalars()
    return [AuthorView(comment) for comment in rows]


@dataclass(frozen=True)
class UnpublishedCounts:
    """How many of the author's comments on a poll are not (or not yet) public: the poll page's
    and the card's line pointing them to the debate page's list, where the reasons are."""

    rejected: int = 0
    pending: int = 0

    def __bool__(self) -> bool:
        return bool(self.rejected or self.pending)


def unpublished_counts(poll_slug: str, voter_id: str | None) -> UnpublishedCounts:
    """This voter's rejected and waiting comments on the poll ``poll_slug``, as ``my_comments``
    tells them apart (one grouped count; nothing is asked without a voter id)."""
    if voter_id is None:
        return UnpublishedCounts()
    rows = db.session.execute(
        db.select(Comment.status, func.count())
        .join(Poll, Comment.poll_id == Poll.id)
        .where(Poll.slug == poll_slug, Comment.voter_id == voter_id)
        .group_by(Comment.status)
    )
    counts = {"rejected": 0, "pending": 0, "published": 0}
    for status, count in rows:
        counts[author_state(status)] += count
    return UnpublishedCounts(rejected=counts["rejected"], pending=counts["pending"])


def authors_comment(poll: Poll, comment_id: int, voter_id: str | None) -> Comment:
    """The comment ``comment_id`` on ``poll`` if this voter wrote it; someone else's is not found."""
    # An id no column can hold is no comment (and would overflow the driver).
    comment = db.session.get(Comment, comment_id) if 0 < comment_id <= MAX_ID else None
    if comment is None or voter_id is None or comment.poll_id != poll.id or comment.voter_id != voter_id:
        raise AppealError(NOT_YOURS, 404)
    return comment


def appeal_rejection(poll: Poll, comment_id: int, voter_id: str | None, note: str, now: datetime) -> Comment:
    """Put the author's rejected comment back in the queue with their note (once); audited.
    Only while the poll is open: a closed debate's decisions stand."""
    require_open_debate(poll, now, APPEALS_CLOSED)
    comment = authors_comment(poll, comment_id, voter_id)
    if comment.appealed_at is not None:
        raise AppealError(ALREADY_APPEALED, 409)
    if comment.status != COMMENT_REJECTED:
        raise AppealError(NOT_REJECTED, 409)
    before = {"status": comment.status, "rejection reason": comment.decision_reason or "none given"}
    # One statement that only succeeds while the comment is still rejected and
    # unappealed: two appeals sent at once cannot both pass the checks above.
    result = db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.status == COMMENT_REJECTED, Comment.appealed_at.is_(None))
        .values(status=COMMENT_PENDING, appeal_note=note, appealed_at=now)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(result) != 1:
        raise AppealError(ALREADY_APPEALED, 409)
    db.session.refresh(comment)
    if FLAG_APPEAL not in comment.flag_names:
        comment.flags.append(CommentFlag(flag=FLAG_APPEAL))
    entry = audit.record(
        None,
        APPEAL_ACTION,
        "comment",
        comment.id,
        now,
        poll_id=comment.poll_id,
        before=before,
        after={"status": COMMENT_PENDING, "flag": FLAG_APPEAL},
        reason=note,
    )
    entry.actor = AUTHOR_ACTOR
    db.session.flush()
    emit_for_comment(COMMENT_APPEALED, comment, now)
    return comment

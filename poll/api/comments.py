"""/api/v1/comments: the moderation queue's comments with their tags, status and flags (newest
first, by cursor), and approving, rejecting or flagging one with a reason."""

import base64
import binascii

from flask_smorest import abort

from poll.api.auth import current_key, needs
from poll.api.blueprint import bp, documented_errors
from poll.api.schemas import CommentFilters, CommentOut, CommentPage, ModerationReason
from poll.database.column_types import utcnow
from poll.database.models import SCOPE_MODERATE, SCOPE_READ, Comment
from poll.debate import moderation
from poll.debate.moderation import STATUS_ANY, ModerationError, QueueFilters
from poll.extensions import db
from poll.polls.vote_taking import poll_or_404

CURSOR_MARK = "before:"


def encode_cursor(comment_id: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_MARK}{comment_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id the next page starts below; 422 for a cursor this API did not give."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if text.startswith(CURSOR_MARK) and text[len(CURSOR_MARK) :].isdigit():
            value = int(text[len(CURSOR_MARK) :])
            if value < 2**63:
                return value
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    message = "This cursor was not given by this API: use next_cursor from the previous page."
    abort(422, message=message, errors={"cursor": [message]})
    raise AssertionError  # abort raises


@bp.get("/comments")
@needs(SCOPE_READ)
@bp.arguments(CommentFilters, location="query", as_kwargs=True)
@bp.response(200, CommentPage)
@documented_errors()
def list_comments(status: str, limit: int, cursor: str | None = None, poll: str | None = None, **filters):
    """Comments with their tags, status and flags, newest first, filtered as in the moderation queue
    (by default those that need a decision). Pages stay stable while comments arrive. Scope: any."""
    poll_id = poll_or_404(poll).id if poll else None
    query = moderation.queue_query(
        QueueFilters(
            poll_id=poll_id,
            status=None if status == STATUS_ANY else status,
            stance=filters.get("stance") or None,
            sentiment=filters.get("sentiment") or None,
            flag=filters.get("flag") or None,
            text=(filters.get("text") or "").strip(),
        )
    )
    query = query.order_by(None).order_by(Comment.id.desc())
    if cursor:
        query = query.where(Comment.id < decode_cursor(cursor))
    comments = list(db.session.execute(query.limit(limit + 1)).scalars())
    more = len(comments) > limit
    comments = comments[:limit]
    return {"comments": comments, "next_cursor": encode_cursor(comments[-1].id) if more else None}


def _comment_or_404(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404, message="There is no such comment.")
        raise AssertionError  # abort raises
    return comment


@bp.get("/comments/<id:comment_id>")
@needs(SCOPE_READ)
@bp.response(200, CommentOut)
@documented_errors()
def read_comment(comment_id: int):
    """One comment with its tags, status and flags. Scope: any."""
    return _comment_or_404(comment_id)


def _moderate(comment_id: int, action: str, reason: str) -> Comment:
    comment = _comment_or_404(comment_id)
    try:
        moderation.ACTIONS[action].take(comment, current_key(), utcnow(), reason)
    except ModerationError as error:
        db.session.rollback()
        abort(422, message=str(error), errors={"reason": [str(error)]})
    db.session.commit()
    return comment


@bp.post("/comments/<id:comment_id>/approve")
@needs(SCOPE_MODERATE)
@bp.arguments(ModerationReason)
@bp.response(200, CommentOut)
@documented_errors(413)
def approve_comment(data: dict, comment_id: int):
    """Publish the comment; the reason (optional) goes to the audit log. Scope: moderate."""
    return _moderate(comment_id, "approve", data["reason"])


@bp.post("/comments/<id:comment_id>/reject")
@needs(SCOPE_MODERATE)
@bp.arguments(ModerationReason)
@bp.response(200, CommentOut)
@documented_errors(413)
def reject_comment(data: dict, comment_id: int):
    """Reject the comment with a reason (required), which its author is shown. Scope: moderate."""
    return _moderate(comment_id, "reject", data["reason"])


@bp.post("/comments/<id:comment_id>/flag")
@needs(SCOPE_MODERATE)
@bp.arguments(ModerationReason)
@bp.response(200, CommentOut)
@documented_errors(413)
def flag_comment(data: dict, comment_id: int):
    """Flag the comment for a second look by a moderator. Scope: moderate."""
    return _moderate(comment_id, "flag", data["reason"])

"""Moderation actions on comments. Every action writes its audit entry."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload

from poll.accounts import audit
from poll.database.models import (
    COMMENT_APPROVED,
    COMMENT_FLAGGED,
    COMMENT_PENDING,
    COMMENT_REJECTED,
    FLAG_MODERATOR,
    ApiKey,
    Comment,
    CommentFlag,
    Moderator,
    RejectionReason,
)
from poll.debate.flags import refresh_tag_flags
from poll.debate.stance_heads import stance_labels
from poll.extensions import db
from poll.vocabulary import UNCERTAIN, UNKNOWN

REASON_MAX_LENGTH = 500
PRESET_MAX_LENGTH = 200
# The queue's default view: what still needs a decision.
STATUS_OPEN = "open"
STATUS_ANY = "any"


# What moderators choose from until an admin writes the newsroom's own list.
class ModerationError(ValueError):
    """An action that cannot be taken, with the reason in words."""


def _set_status(
    comment: Comment, status: str, moderator: Moderator | ApiKey, now: datetime, action: str, reason: str
):
    before = {"status": comment.status}
    comment.status = status
    comment.moderated_by = audit.acting_moderator(moderator)
    comment.moderated_at = now
    audit.record(
        moderator,
        action,
        "comment",
        comment.id,
        now,
        poll_id=comment.poll_id,
        before=before,
        after={"status": status},
        reason=reason,
    )


def _clean_reason(reason: str | None, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ModerationError("Please give a reason.")
    if len(reason) > REASON_MAX_LENGTH:
        raise ModerationError(f"Please keep the reason to {REASON_MAX_LENGTH} characters or fewer.")
    return reason


def approve(comment: Comment, moderator: Moderator | ApiKey, now: datetime, reason: str = "") -> None:
    # A rejection's reason no longer describes an approved comment (the audit log keeps it).
    comment.decision_reason = ""
    _set_status(comment, COMMENT_APPROVED, moderator, now, "comment.approve", _clean_reason(reason, False))


def reject(comment: Comment, moderator: Moderator | ApiKey, now: datetime, reason: str) -> None:
    """Reject with a reason, which its author is shown."""
    reason = _clean_reason(reason, True)
    comment.decision_reason = reason
    _set_status(comment, COMMENT_REJECTED, moderator, now, "comment.reject", reason)


def combined_reason(preset: str | None, free_text: str | None) -> str:
    """A preset reason and a moderator's own words, as one reason."""
    parts = [part.strip() for part in (preset, free_text) if part and part.strip()]
    return ": ".join(parts)


def rejection_reasons() -> list[str]:
    """The preset reasons moderators pick from: the admins' list, or the defaults while it is empty."""
    stored = list(
        db.session.execute(
            db.select(RejectionReason.text).order_by(RejectionReason.position, RejectionReason.id)
        ).scalars()
    )
    return stored or list(DEFAULT_REJECTION_REASONS)


def stored_rejection_reasons() -> list[RejectionReason]:
    return list(
        db.session.execute(
            db.select(RejectionReason).order_by(RejectionReason.position, RejectionReason.id)
        ).scalars()
    )


def add_rejection_reason(text: str, actor: Moderator, now: datetime) -> RejectionReason:
    """Add a preset reason at the end of the list; audited."""
    text = " ".join((text or "").split())
    if not text:
        raise ModerationError("Please write the reason.")
    if len(text) > PRESET_MAX_LENGTH:
        raise ModerationError(f"Please keep a preset reason to {PRESET_MAX_LENGTH} characters.")
    existing = stored_rejection_reasons()
    if any(row.text.lower() == text.lower() for row in existing):
        raise ModerationError(f"{text!r} is already on the list.")
    row = RejectionReason(text=text, position=max((r.position for r in existing), default=0) + 1)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "rejection_reason.add", "rejection_reason", row.id, now, after={"text": text})
    return row


# What `flask seed` offers a new newsroom; admins edit the list afterwards.
DEFAULT_REJECTION_REASONS = (
    "Personal attack or insult",
    "Hateful or discriminatory",
    "Off topic",
    "Spam or advertising",
    "Personal information about someone",
    "Posted more than once",
)


def seed_rejection_reasons() -> int:
    """Give an empty list the default reasons (a list someone has edited is left as it is); how many added."""
    if stored_rejection_reasons():
        return 0
    db.session.add_all(
        RejectionReason(text=text, position=position)
        for position, text in enumerate(DEFAULT_REJECTION_REASONS, start=1)
    )
    db.session.flush()
    return len(DEFAULT_REJECTION_REASONS)


def remove_rejection_reason(row: RejectionReason, actor: Moderator, now: datetime) -> None:
    audit.record(actor, "rejection_reason.remove", "rejection_reason", row.id, now, before={"text": row.text})
    db.session.delete(row)


def flag_for_second_look(
    comment: Comment, moderator: Moderator | ApiKey, now: datetime, reason: str = ""
) -> None:
    reason = _clean_reason(reason, False)
    if FLAG_MODERATOR not in comment.flag_names:
        comment.flags.append(CommentFlag(flag=FLAG_MODERATOR))
    _set_status(comment, COMMENT_FLAGGED, moderator, now, "comment.flag", reason)


def correct_stance(
    comment: Comment, stance: str, moderator: Moderator, now: datetime, reason: str = ""
) -> None:
    """Record a moderator's stance. Choosing the tagger's own stance confirms it: either way
    the stance is now a moderator's, which is what the public split counts."""
    labels = stance_labels(comment.poll)
    if stance not in labels:
        raise ModerationError(f"The stance must be one of: {', '.join(labels)}.")
    before = {
        "stance": comment.effective_stance,
        "tagger_stance": comment.stance,
        "checked": comment.corrected_stance is not None,
    }
    comment.corrected_stance = stance
    refresh_tag_flags(comment)
    comment.moderated_by = audit.acting_moderator(moderator)
    comment.moderated_at = now
    audit.record(
        moderator,
        "comment.correct_stance",
        "comment",
        comment.id,
        now,
        poll_id=comment.poll_id,
        before=before,
        after={"stance": comment.effective_stance, "tagger_stance": comment.stance, "checked": True},
        reason=_clean_reason(reason, False),
    )


@dataclass(frozen=True)
class ModerationAction:
    """A decision a moderator takes from the queue: the one list that the
    form's choices, the buttons, the keyboard shortcuts and the confirmations
    are all made from."""

    name: str  # the form value, and the shortcut's data-shortcut
    label: str  # the button
    done: str  # "3 comments approved."
    button_style: str  # CSS modifier of the button
    take: Callable[[Comment, Moderator | ApiKey, datetime, str], None]


ACTIONS = {
    action.name: action
    for action in (
        ModerationAction("approve", "Approve", "approved", "", approve),
        ModerationAction("reject", "Reject", "rejected", "button--danger", reject),
        ModerationAction(
            "flag", "Flag", "flagged for a second look", "button--secondary", flag_for_second_look
        ),
    )
}


def apply(action: str, comments: list[Comment], moderator: Moderator, now: datetime, reason: str = "") -> int:
    """One action on several comments (bulk actions); all or nothing."""
    if action not in ACTIONS:
        raise ModerationError("Unknown action.")
    if not comments:
        raise ModerationError("Please select at least one comment.")
    for comment in comments:
        ACTIONS[action].take(comment, moderator, now, reason)
    return len(comments)


def comments_by_id(ids: list[int]) -> list[Comment]:
    return list(
        db.session.execute(
            db.select(Comment)
            .options(selectinload(Comment.flags))
            .where(Comment.id.in_(ids))
            .order_by(Comment.id)
        ).scalars()
    )


@dataclass(frozen=True)
class QueueFilters:
    poll_id: int | None = None
    # A comment status, STATUS_OPEN (pending or flagged) or None (any).
    status: str | None = None
    comment_id: int | None = None
    stance: str | None = None
    sentiment: str | None = None
    flag: str | None = None
    text: str = ""


def queue_query(filters: QueueFilters):
    """Comments for the queue: pending first, then by how many reasons there are to look."""
    flag_count = (
        db.select(func.count()).select_from(CommentFlag).where(CommentFlag.comment_id == Comment.id)
    ).scalar_subquery()
    status_rank = db.case(
        (Comment.status == COMMENT_PENDING, 0), (Comment.status == COMMENT_FLAGGED, 1), else_=2
    )
    query = db.select(Comment).options(
        selectinload(Comment.flags), selectinload(Comment.author_choice), selectinload(Comment.poll)
    )
    if filters.poll_id is not None:
        query = query.where(Comment.poll_id == filters.poll_id)
    if filters.status == STATUS_OPEN:
        query = query.where(Comment.status.in_((COMMENT_PENDING, COMMENT_FLAGGED)))
    elif filters.status:
        query = query.where(Comment.status == filters.status)
    if filters.comment_id is not None:
        query = query.where(Comment.id == filters.comment_id)
    if filters.stance == UNCERTAIN:
        query = query.where(Comment.sure_stance.is_(None), Comment.stance != UNKNOWN)
    elif filters.stance:
        # Only sure stances: an "uncertain" guess is not filed under a side.
        query = query.where(Comment.sure_stance == filters.stance)
    if filters.sentiment:
        query = query.where(Comment.sentiment == filters.sentiment)
    if filters.flag:
        query = query.where(Comment.flags.any(CommentFlag.flag == filters.flag))
    if filters.text:
        query = query.where(
            or_(
                Comment.body.icontains(filters.text, autoescape=True),
                Comment.display_name.icontains(filters.text, autoescape=True),
            )
        )
    # Within a status and flag count, the most uncivil first. A comment with no
    # incivility score (a language the tagger does not read, or not yet tagged)
    # needs a moderator's eyes as much as an uncivil one: it is not presumed civil.
    incivility = func.coalesce(Comment.incivility, 1.0).desc()
    return query.order_by(status_rank, flag_count.desc(), incivility, Comment.created_at, Comment.id)


def queue_page(filters: QueueFilters, page: int, per_page: int) -> Pagination:
    return db.paginate(queue_query(filters), page=page, per_page=per_page, error_out=False)


def pending_count(poll_id: int | None = None) -> int:
    query = db.select(func.count()).select_from(Comment).where(Comment.status == COMMENT_PENDING)
    if poll_id is not None:
        query = query.where(Comment.poll_id == poll_id)
    return db.session.scalar(query)

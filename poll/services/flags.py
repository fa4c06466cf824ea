"""Automatic flags: reasons for moderators to look at a comment first."""

import re
from datetime import datetime, timedelta

from sqlalchemy import func, or_

from ..extensions import db
from ..models import (
    AUTOMATIC_FLAGS,
    FLAG_BLOCKED_WORD,
    FLAG_BURST,
    FLAG_DUPLICATE,
    FLAG_LINK,
    FLAG_STANCE_VOTE_MISMATCH,
    FLAG_STRONGLY_NEGATIVE,
    BlockedWord,
    Choice,
    Comment,
    CommentFlag,
)

STRONGLY_NEGATIVE_COMPOUND = -0.6
BURST_WINDOW = timedelta(minutes=10)
BURST_SIZE = 3  # this many comments in the window, counting the new one
LINK = re.compile(
    r"https?://|\bwww\.|\b[a-z0-9-]+\.(?:com|org|net|io|ru|cn|info|biz|xyz|ly)\b", re.IGNORECASE
)
OPPOSED_STANCES = {("military", "diplomacy"), ("diplomacy", "military")}


def stance_contradicts_vote(stance: str, choice: Choice | None) -> bool:
    return choice is not None and (stance, choice.key) in OPPOSED_STANCES


def normalised_body(body: str) -> str:
    return " ".join(body.lower().split())


def blocked_phrases() -> list[str]:
    return list(db.session.execute(db.select(BlockedWord.phrase)).scalars())


def contains_blocked_phrase(body: str, phrases: list[str]) -> bool:
    text = f" {normalised_body(body)} "
    return any(re.search(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", text) for phrase in phrases)


def _is_duplicate(comment: Comment) -> bool:
    """Another comment on the same poll with the same words (case and spacing aside)."""
    query = db.select(Comment.id).where(
        Comment.poll_id == comment.poll_id, func.lower(Comment.body) == comment.body.lower()
    )
    if comment.id is not None:
        query = query.where(Comment.id != comment.id)
    return db.session.execute(query.limit(1)).first() is not None


def _is_burst(comment: Comment, now: datetime) -> bool:
    """Several comments from one browser or one address within a few minutes."""
    identities = [Comment.voter_id == comment.voter_id]
    if comment.ip_hash:
        identities.append(Comment.ip_hash == comment.ip_hash)
    query = (
        db.select(func.count())
        .select_from(Comment)
        .where(Comment.poll_id == comment.poll_id, Comment.created_at >= now - BURST_WINDOW, or_(*identities))
    )
    if comment.id is not None:
        query = query.where(Comment.id != comment.id)
    return db.session.scalar(query) + 1 >= BURST_SIZE


TAG_FLAGS = (FLAG_STRONGLY_NEGATIVE, FLAG_STANCE_VOTE_MISMATCH)


def tag_flags(comment: Comment) -> set[str]:
    """The flags that follow from a comment's tags alone."""
    checks = {
        FLAG_STRONGLY_NEGATIVE: comment.compound <= STRONGLY_NEGATIVE_COMPOUND,
        FLAG_STANCE_VOTE_MISMATCH: stance_contradicts_vote(comment.stance, comment.author_choice),
    }
    return {flag for flag, applies in checks.items() if applies}


def automatic_flags(comment: Comment, now: datetime) -> set[str]:
    """Every automatic flag that applies to ``comment`` now."""
    checks = {
        FLAG_BLOCKED_WORD: contains_blocked_phrase(comment.body, blocked_phrases()),
        FLAG_LINK: LINK.search(comment.body) is not None,
        FLAG_DUPLICATE: _is_duplicate(comment),
        FLAG_BURST: _is_burst(comment, now),
    }
    return tag_flags(comment) | {flag for flag, applies in checks.items() if applies}


def set_flags(comment: Comment, wanted: set[str], managed: tuple[str, ...] = AUTOMATIC_FLAGS) -> None:
    """Make ``comment``'s flags among ``managed`` exactly ``wanted``; others stay."""
    kept = [flag for flag in comment.flags if flag.flag not in managed or flag.flag in wanted]
    present = {flag.flag for flag in kept}
    comment.flags = kept + [CommentFlag(flag=name) for name in sorted(wanted - present)]


def refresh_tag_flags(comment: Comment) -> None:
    """After re-tagging: redo the flags that depend on the tags (others need history)."""
    set_flags(comment, tag_flags(comment), managed=TAG_FLAGS)

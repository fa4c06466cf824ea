"""Automatic flags: reasons for moderators to look at a comment first."""

import re
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, or_

from ..extensions import db
from ..models import (
    AUTOMATIC_FLAGS,
    FLAG_BLOCKED_WORD,
    FLAG_BURST,
    FLAG_DUPLICATE,
    FLAG_LINK,
    FLAG_STANCE_VOTE_MISMATCH,
    FLAG_UNCIVIL,
    BlockedWord,
    Comment,
    CommentFlag,
)
from .stance_heads import SHIPPED_SIDES, poll_sides, side_of

BURST_WINDOW = timedelta(minutes=10)
BURST_SIZE = 3  # this many comments in the window, counting the new one
LINK = re.compile(
    r"https?://|\bwww\.|\b[a-z0-9-]+\.(?:com|org|net|io|ru|cn|info|biz|xyz|ly)\b", re.IGNORECASE
)


def stance_contradicts_vote(
    stance: str, vote_key: str | None, sides: tuple[str, ...] = SHIPPED_SIDES
) -> bool:
    """A comment arguing for one side by someone who voted for another (``sides``: the poll's)."""
    return stance in sides and vote_key in sides and stance != vote_key


def flags_for_tags(
    uncivil: bool, stance: str, vote_key: str | None, sides: tuple[str, ...] = SHIPPED_SIDES
) -> set[str]:
    """The flags that follow from a comment's tags and its author's vote alone.
    Incivility, not sentiment, raises a comment's priority: angry or frightened
    is not uncivil, and a calm call to wipe out a people is."""
    checks = {
        FLAG_UNCIVIL: uncivil,
        FLAG_STANCE_VOTE_MISMATCH: stance_contradicts_vote(stance, vote_key, sides),
    }
    return {flag for flag, applies in checks.items() if applies}


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


TAG_FLAGS = (FLAG_UNCIVIL, FLAG_STANCE_VOTE_MISMATCH)


def tag_flags(comment: Comment) -> set[str]:
    """A moderator's stance correction counts over the tagger's."""
    choice = comment.author_choice
    vote = None if choice is None else side_of(choice)
    return flags_for_tags(comment.uncivil, comment.effective_stance, vote, poll_sides(comment.poll))


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
    """After re-tagging or a stance correction: redo the flags that depend on
    the tags (others need history)."""
    set_flags(comment, tag_flags(comment), managed=TAG_FLAGS)


def replace_tag_flags(wanted: dict[int, set[str]]) -> None:
    """``refresh_tag_flags`` for many comments at once, by comment id: a few
    set-based statements instead of loading every comment's flags."""
    ids = list(wanted)
    present = set(
        db.session.execute(
            db.select(CommentFlag.comment_id, CommentFlag.flag).where(
                CommentFlag.comment_id.in_(ids), CommentFlag.flag.in_(TAG_FLAGS)
            )
        ).tuples()
    )
    desired = {(comment_id, flag) for comment_id, flags in wanted.items() for flag in flags}
    for flag in TAG_FLAGS:
        # One statement per flag keeps the bound values within SQLite's limit.
        stale = [comment_id for comment_id, name in present - desired if name == flag]
        if stale:
            db.session.execute(
                delete(CommentFlag).where(CommentFlag.flag == flag, CommentFlag.comment_id.in_(stale)),
                execution_options={"synchronize_session": False},
            )
    missing = desired - present
    if missing:
        db.session.execute(
            insert(CommentFlag),
            [{"comment_id": comment_id, "flag": flag} for comment_id, flag in sorted(missing)],
        )

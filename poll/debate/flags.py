"""Automatic flags: reasons for moderators to look at a comment first."""

import re
import unicodedata
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, delete, func, insert

from poll.database.models import (
    AUTOMATIC_FLAGS,
    BLOCKED_BANNED,
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
from poll.debate.stance_heads import SHIPPED_SIDES, poll_sides, side_of
from poll.extensions import db

# A burst is a flood, not a busy address. An office, a school or a phone
# carrier puts many readers behind one address (our load model: a couple of
# readers per address and poll), and counting "three comments from one browser
# or one address in ten minutes" flagged 32 of 33 comments written by readers
# behind one shared address, which told moderators nothing. So: one browser
# needs BURST_SIZE comments in the window (more than a reader answering a
# couple of replies), and one address needs BURST_ADDRESS_SIZE comments in the
# window, a comment a minute, from at least BURST_ADDRESS_VOTERS browsers
# (what a script that drops its cookie on every post looks like; a reader
# writing a lot is caught by the first rule).
BURST_WINDOW = timedelta(minutes=10)
BURST_SIZE = 4  # comments from one browser in the window, counting the new one
BURST_ADDRESS_SIZE = 10  # comments from one address in the window, counting the new one ...
BURST_ADDRESS_VOTERS = 5  # ... from at least this many browsers
LINK = re.compile(
    r"https?://|\bwww\.|\b[a-z0-9-]+\.(?:com|org|net|io|ru|cn|info|biz|xyz|ly)\b", re.IGNORECASE
)


def stance_contradicts_vote(
    stance: str | None, vote_key: str | None, sides: tuple[str, ...] = SHIPPED_SIDES
) -> bool:
    """A comment arguing for one side by someone who voted for another (``sides``: the poll's).
    ``stance`` is a sure one (``sure_stance``): an unsure guess never accuses a reader."""
    return stance in sides and vote_key in sides and stance != vote_key


def flags_for_tags(
    uncivil: bool, stance: str | None, vote_key: str | None, sides: tuple[str, ...] = SHIPPED_SIDES
) -> set[str]:
    """The flags that follow from a comment's tags and its author's vote alone.
    Incivility, not sentiment, raises a comment's priority: angry or frightened
    is not uncivil, and a calm call to wipe out a people is."""
    checks = {
        FLAG_UNCIVIL: uncivil,
        FLAG_STANCE_VOTE_MISMATCH: stance_contradicts_vote(stance, vote_key, sides),
    }
    return {flag for flag, applies in checks.items() if applies}


def without_format_characters(text: str) -> str:
    """``text`` without invisible format characters (zero-width space and
    joiners, soft hyphen, bidi marks), which would hide "id\u200biot" from a match."""
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def normalised_body(body: str) -> str:
    return " ".join(without_format_characters(body).lower().split())


class BlockedWords(NamedTuple):
    """Every blocked word, and those of them that are banned."""

    phrases: list[str]
    banned: list[str]


def blocked_words() -> BlockedWords:
    """The blocked words, in one read (a comment post asks for both lists)."""
    rows = db.session.execute(db.select(BlockedWord.phrase, BlockedWord.kind)).all()
    return BlockedWords(
        [phrase for phrase, _ in rows], [phrase for phrase, kind in rows if kind == BLOCKED_BANNED]
    )


def contains_blocked_phrase(body: str, phrases: list[str]) -> bool:
    text = f" {normalised_body(body)} "
    return any(
        re.search(rf"(?<!\w){re.escape(normalised_body(phrase))}(?!\w)", text) for phrase in phrases if phrase
    )


def must_be_reviewed(body: str, words: BlockedWords | None = None) -> bool:
    """A banned word in ``body``: the comment waits for a moderator even on a post-moderated poll
    (``words``: the blocked words, read here if not given)."""
    return contains_blocked_phrase(body, (words or blocked_words()).banned)


def _poll_id(comment: Comment) -> int:
    """A new comment is given its poll as an object; poll_id is only set when it is flushed."""
    return comment.poll_id if comment.poll_id is not None else comment.poll.id


def _duplicate_and_burst(comment: Comment, now: datetime) -> tuple[bool, bool]:
    """Whether ``comment`` repeats another comment of its poll (the same words, case and spacing
    aside), and whether it is part of a flood within a few minutes: many comments from one browser,
    or from one address and many browsers (see BURST_ADDRESS_SIZE). One pass over the poll's
    other comments, each count filtered to what it asks."""
    others = [Comment.poll_id == _poll_id(comment)]
    if comment.id is not None:
        others.append(Comment.id != comment.id)
    recent = Comment.created_at >= now - BURST_WINDOW
    same_address = and_(recent, Comment.ip_hash == comment.ip_hash)
    duplicates, same_browser, from_address, browsers, mine = db.session.execute(
        db.select(
            func.count().filter(func.lower(Comment.body) == comment.body.lower()),
            func.count().filter(recent, Comment.voter_id == comment.voter_id),
            func.count().filter(same_address),
            func.count(func.distinct(Comment.voter_id)).filter(same_address),
            func.count().filter(same_address, Comment.voter_id == comment.voter_id),
        ).where(*others)
    ).one()
    if same_browser + 1 >= BURST_SIZE:
        return duplicates > 0, True
    if not comment.ip_hash:
        return duplicates > 0, False
    browsers += 0 if mine else 1  # the new comment's own browser
    return duplicates > 0, from_address + 1 >= BURST_ADDRESS_SIZE and browsers >= BURST_ADDRESS_VOTERS


TAG_FLAGS = (FLAG_UNCIVIL, FLAG_STANCE_VOTE_MISMATCH)


def tag_flags(comment: Comment) -> set[str]:
    """A moderator's stance counts over the tagger's, and the tagger's only where it is sure."""
    choice = comment.author_choice
    vote = None if choice is None else side_of(choice)
    return flags_for_tags(comment.uncivil, comment.sure_stance, vote, poll_sides(comment.poll))


def automatic_flags(comment: Comment, now: datetime, words: BlockedWords | None = None) -> set[str]:
    """Every automatic flag that applies to ``comment`` now (``words``: the blocked words, read
    here if not given)."""
    duplicate, burst = _duplicate_and_burst(comment, now)
    checks = {
        FLAG_BLOCKED_WORD: contains_blocked_phrase(comment.body, (words or blocked_words()).phrases),
        FLAG_LINK: LINK.search(comment.body) is not None,
        FLAG_DUPLICATE: duplicate,
        FLAG_BURST: burst,
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

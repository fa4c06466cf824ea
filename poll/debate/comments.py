"""Posting comments and replies, finding a published one, and retagging them (reading the debate:
poll.debate.reading)."""

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import NamedTuple, TypeVar

from flask_babel import LazyString, lazy_gettext
from sqlalchemy import func, or_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from poll.alerts.events import COMMENT_AWAITING_REVIEW, COMMENT_FLAGGED_UNCIVIL, emit_for_comment
from poll.database.column_types import utcnow
from poll.database.models import (
    COMMENT_APPROVED,
    COMMENT_FLAGGED,
    COMMENT_PENDING,
    FLAG_UNCIVIL,
    MODERATION_POST,
    PENDING_TAGS,
    Choice,
    Comment,
    Poll,
    Vote,
)
from poll.debate.flags import (
    automatic_flags,
    blocked_words,
    flags_for_tags,
    must_be_reviewed,
    refresh_tag_flags,
    replace_tag_flags,
    set_flags,
)
from poll.debate.stance_heads import poll_sides, stance_head_for
from poll.extensions import db
from poll.refusals import Refused
from poll.vocabulary import UNKNOWN, Tags, sure_stance

TAGGING_INLINE = "inline"
Item = TypeVar("Item")
# What a comment carries until the worker tags it: no stance, no incivility, so no tag flags.
AWAITING_TAGGER = Tags(UNKNOWN, 0.0, (), "neutral", 0.0, None, False, None, PENDING_TAGS, None)
# session.info key: ids of comments to hand to the tagging queue after commit (see poll.debate.tagging_queue).
COMMENTS_TO_TAG = "comments_to_tag"
# A keyword's default: what the caller has not read already, the function reads itself.
READ_HERE = object()

logger = logging.getLogger(__name__)


class CommentsClosedError(Refused):
    """The poll's debate is not taking comments, replies, marks or appeals right
    now; the message says why, for the reader."""

    def __init__(self, message: str) -> None:
        super().__init__(message, 403)


DEBATE_CLOSED = lazy_gettext("This poll is closed, and so is its debate.")


def require_open_debate(poll: Poll, now: datetime, closed_message: str | LazyString = DEBATE_CLOSED) -> None:
    """The rule for joining the debate: only while the poll is open (views answer 403)."""
    if not poll.is_open(now):
        raise CommentsClosedError(str(closed_message))


class DebateRequestError(Refused):
    """A debate address or action that cannot be served; the message says why."""


def published_comment(poll: Poll, comment_id: int) -> Comment | None:
    """An approved comment of ``poll`` (None for another poll's, an unknown or an unpublished one)."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.poll_id != poll.id or comment.status != COMMENT_APPROVED:
        return None
    return comment


def author_choice(poll_id: int, voter_id: str) -> Choice | None:
    return db.session.execute(
        db.select(Choice)
        .join(Vote, Vote.choice_id == Choice.id)
        .filter_by(poll_id=poll_id)
        .where(Vote.voter_id == voter_id)
    ).scalar_one_or_none()


def tag_columns(tags: Tags) -> dict:
    """A comment's stored tag columns, by name."""
    return {
        "stance": tags.stance,
        "stance_confidence": tags.stance_confidence,
        "stance_cues": list(tags.cues),
        "sentiment": tags.sentiment,
        "compound": tags.compound,
        "incivility": tags.incivility,
        "uncivil": tags.uncivil,
        "language": tags.language,
        "tagger_version": tags.version,
        "stance_sure_from": tags.sure_from,
    }


def apply_tags(comment: Comment, tags: Tags) -> None:
    for column, value in tag_columns(tags).items():
        setattr(comment, column, value)


# What re-tagging reads of a comment; "vote" is the key of its author's vote.
RETAG_COLUMNS = (
    Comment.id,
    Comment.body,
    Comment.stance,
    Comment.sentiment,
    Comment.corrected_stance,
    func.coalesce(Choice.side, Choice.key).label("vote"),
    Comment.poll_id,
)


def retag_query():
    """Comments with RETAG_COLUMNS, in id order; add conditions and a limit."""
    return (
        db.select(*RETAG_COLUMNS)
        .outerjoin(Choice, Comment.author_choice_id == Choice.id)
        .order_by(Comment.id)
    )


def tags_for(poll: Poll, bodies: list[str], stance_head=READ_HERE) -> list[Tags]:
    """The one way comments are tagged, with their poll's own stance head: on posting, by the
    worker, and by ``flask retag`` (``stance_head``: the poll's, if the caller has read it)."""
    from poll.tagging import tag_many  # the encoders load where comments are tagged, not in every web worker

    head = stance_head_for(poll) if stance_head is READ_HERE else stance_head
    return tag_many(bodies, head, poll_language=poll.language)


def tagged_by_poll(items: Iterable[Item], poll_id_of: Callable[[Item], int], body_of: Callable[[Item], str]):
    """(item, its tags, its poll) for comments of any polls: each poll's comments tagged in one batch."""
    by_poll: dict[int, list[Item]] = {}
    for item in items:
        by_poll.setdefault(poll_id_of(item), []).append(item)
    for poll_id, group in by_poll.items():
        poll = db.session.get_one(Poll, poll_id)  # a comment's poll: its foreign key holds it
        for item, tags in zip(group, tags_for(poll, [body_of(item) for item in group]), strict=True):
            yield item, tags, poll


def retag(rows) -> Counter:
    """Tag again the comments in ``rows`` (from ``retag_query``) and refresh the
    flags that follow from tags. Written as one bulk update and a few flag
    statements: loading each comment as an object cost four times the tagging."""
    counts: Counter = Counter()
    updates, wanted_flags = [], {}
    sides_of: dict[int, tuple[str, ...]] = {}
    for row, tags, poll in tagged_by_poll(rows, lambda row: row.poll_id, lambda row: row.body):
        comment_id, _, old_stance, old_sentiment, corrected_stance, vote, _ = row
        if poll.id not in sides_of:  # once a poll, as before: its sides read its stance head
            sides_of[poll.id] = poll_sides(poll)
        sides = sides_of[poll.id]
        updates.append({"id": comment_id, **tag_columns(tags)})
        # A moderator's correction outlives re-tagging, as it counts over the tagger's stance.
        stance = sure_stance(
            corrected_stance, tags.stance, tags.stance_confidence, tags.language, tags.sure_from
        )
        wanted_flags[comment_id] = flags_for_tags(tags.uncivil, stance, vote, sides)
        counts["retagged"] += 1
        counts["stance_changed"] += tags.stance != old_stance
        counts["sentiment_changed"] += tags.sentiment != old_sentiment
    if updates:
        db.session.execute(update(Comment), updates, execution_options={"synchronize_session": False})
        replace_tag_flags(wanted_flags)
    return counts


def post_comment(
    poll: Poll,
    voter_id: str,
    body: str,
    display_name: str,
    ip_hash: str,
    now: datetime,
    parent: Comment | None = None,
    tag_now: bool = True,
    *,
    author: Choice | None | object = READ_HERE,
    stance_head=READ_HERE,
    status_token_hash: str | None = None,
) -> Comment:
    """Store a comment, tagged now or (``tag_now`` False) left for the tagging worker; public at
    once only on post-moderated polls, and not even there if it uses a banned word.

    ``author`` (the choice of the author's vote) and ``stance_head`` are read here unless the
    caller has them (poll.debate.participation reads them with the poll); ``status_token_hash``
    is stored with the comment (poll.debate.status_links), not updated after it."""
    require_open_debate(poll, now)
    words = blocked_words()
    comment = Comment(
        poll=poll,
        voter_id=voter_id,
        ip_hash=ip_hash,
        display_name=display_name,
        body=body,
        # A reply (one level: see poll.debate.reading.reply_parent) is moderated like any comment.
        parent_id=parent.id if parent is not None else None,
        author_choice=author_choice(poll.id, voter_id) if author is READ_HERE else author,
        # A banned word holds it for a moderator even where comments are public at once.
        status=COMMENT_APPROVED
        if poll.moderation_mode == MODERATION_POST and not must_be_reviewed(body, words)
        else COMMENT_PENDING,
        created_at=now,
        status_token_hash=status_token_hash,
    )
    if tag_now:
        apply_tags(comment, tags_for(poll, [body], stance_head)[0])
    else:
        apply_tags(comment, AWAITING_TAGGER)
    set_flags(comment, automatic_flags(comment, now, words))
    db.session.add(comment)
    db.session.flush()
    if comment.tags_pending:
        db.session.info.setdefault(COMMENTS_TO_TAG, []).append(comment.id)
    if comment.status == COMMENT_PENDING:
        emit_for_comment(COMMENT_AWAITING_REVIEW, comment, now)
    if FLAG_UNCIVIL in comment.flag_names:
        emit_for_comment(COMMENT_FLAGGED_UNCIVIL, comment, now)
    return comment


def untagged_comment_ids(stored_before: datetime | None = None) -> list[int]:
    """Comments still waiting for their tags (only those stored before ``stored_before``, if given)."""
    query = db.select(Comment.id).where(Comment.tags_pending)
    if stored_before is not None:
        query = query.where(Comment.created_at < stored_before)
    return list(db.session.execute(query.order_by(Comment.id)).scalars())


class StoredTagging(NamedTuple):
    """What ``tag_stored_comments`` did: how many comments it tagged, and which of the task's own it
    could not (the tagger failed on them)."""

    tagged: int
    failed: list[int]


def tag_stored_comments(
    comment_ids: list[int], also_waiting: int = 0, waiting_since: datetime | None = None
) -> StoredTagging:
    """Tag those of the stored comments ``comment_ids`` still waiting for their tags, with up to
    ``also_waiting`` more of the oldest waiting ones stored since ``waiting_since`` (older ones are the
    sweep's), and redo the flags that follow from tags (the tagging worker's task; the caller commits).

    A comment another task has tagged since is left alone: its tags would come out the same, and it would
    be announced uncivil twice. On PostgreSQL the rows are locked until the caller commits (FOR NO KEY
    UPDATE: readers' marks and replies, which only need the comment to exist, still go ahead): a task waits
    for its own comments and then finds them tagged or not, and passes over the waiting ones another
    transaction holds. A comment the tagger fails on is left waiting, and the others are tagged."""
    waiting = db.select(Comment.id).where(Comment.tags_pending)
    own = _locked_ids(waiting.where(Comment.id.in_(comment_ids)), skip_locked=False)
    chosen = set(own)
    if also_waiting > 0:
        others = waiting.where(Comment.id.not_in(chosen))
        if waiting_since is not None:
            others = others.where(Comment.created_at >= waiting_since)
        chosen.update(_locked_ids(others.limit(also_waiting), skip_locked=True))
    if not chosen:
        return StoredTagging(0, [])
    comments = list(
        db.session.execute(
            db.select(Comment)
            .options(
                selectinload(Comment.flags), selectinload(Comment.author_choice), selectinload(Comment.poll)
            )
            .where(Comment.id.in_(chosen))
            .order_by(Comment.id)
        ).scalars()
    )
    tagged = _tags_of_each(comments)
    for comment, tags in tagged:
        was_uncivil = FLAG_UNCIVIL in comment.flag_names
        apply_tags(comment, tags)
        refresh_tag_flags(comment)
        if not was_uncivil and FLAG_UNCIVIL in comment.flag_names:
            emit_for_comment(COMMENT_FLAGGED_UNCIVIL, comment, utcnow())
    done = {comment.id for comment, _ in tagged}
    return StoredTagging(len(done), [comment_id for comment_id in own if comment_id not in done])


def _tags_of_each(comments: list[Comment]) -> list[tuple[Comment, Tags]]:
    """Each comment with its tags, in one batch; if the tagger fails on the batch, each comment alone,
    leaving out those it fails on (a database error is not the tagger's, and goes up)."""

    def batch(group: list[Comment]) -> list[tuple[Comment, Tags]]:
        found = tagged_by_poll(group, lambda comment: comment.poll_id, lambda comment: comment.body)
        return [(comment, tags) for comment, tags, _ in found]

    try:
        return batch(comments)
    except SQLAlchemyError:
        raise
    except Exception:
        if len(comments) == 1:
            logger.exception("comment %s could not be tagged", comments[0].id)
            return []
        logger.exception("a batch of %d comments could not be tagged: tagging each alone", len(comments))
    return [pair for comment in comments for pair in _tags_of_each([comment])]


def _locked_ids(query, skip_locked: bool) -> list[int]:
    """The ids ``query`` finds, in order, locked for this transaction where the database can (SQLite has
    no row locks: its writers take turns anyway)."""
    locked = query.order_by(Comment.id).with_for_update(key_share=True, skip_locked=skip_locked)
    return list(db.session.execute(locked).scalars())


def awaiting_review(poll: Poll, voter_id: str | None) -> list[Comment]:
    """This voter's own comments that moderators have not approved yet."""
    if voter_id is None:
        return []
    return list(
        db.session.execute(
            db.select(Comment)
            .where(Comment.poll_id == poll.id, Comment.voter_id == voter_id)
            .where(or_(Comment.status == COMMENT_PENDING, Comment.status == COMMENT_FLAGGED))
            .order_by(Comment.created_at.desc())
        ).scalars()
    )

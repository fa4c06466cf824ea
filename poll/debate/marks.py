"""Good-point marks: how the debate counts them (only marks whose voter's vote counts, and those
from across the sides), a reader's own, and marking a comment or taking the mark back."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import and_, case, delete, false, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from poll.database import rows_changed
from poll.database.models import VOTE_COUNTED, Choice, Comment, CommentMark, Poll, Vote
from poll.debate.comments import DebateRequestError, published_comment, require_open_debate
from poll.debate.sides import side_key
from poll.extensions import db


@dataclass(frozen=True)
class MarkCount:
    marks: int = 0
    # Marks from voters whose vote stands for another side than the author's.
    across: int = 0


def markers_vote(vote, comment):
    """Join condition: the counted vote, in the comment's poll, of the voter who made a mark."""
    return and_(
        vote.poll_id == comment.poll_id, vote.voter_id == CommentMark.voter_id, vote.status == VOTE_COUNTED
    )


def mark_counts_query(poll_id: int | None, comment_ids: list[int] | None = None):
    """Per comment: its marks, and those from voters of another side than the author's.
    Only marks whose voter's vote counts: a voided burst's marks leave every count and
    ranking with its votes, and come back with them when the void is restored.
    ``poll_id`` None: the comments of every poll (the comments export)."""
    marked, author, vote, voted = aliased(Comment), aliased(Choice), aliased(Vote), aliased(Choice)
    across = and_(author.id.is_not(None), side_key(author) != side_key(voted))
    query = (
        select(
            CommentMark.comment_id,
            func.count().label("marks"),
            func.coalesce(func.sum(case((across, 1), else_=0)), 0).label("across"),
        )
        .join(marked, marked.id == CommentMark.comment_id)
        .outerjoin(author, author.id == marked.author_choice_id)
        .join(vote, markers_vote(vote, marked))
        .join(voted, voted.id == vote.choice_id)
        .group_by(CommentMark.comment_id)
    )
    if poll_id is not None:
        query = query.where(marked.poll_id == poll_id)
    if comment_ids is not None:
        query = query.where(CommentMark.comment_id.in_(comment_ids))
    return query


def mark_count_table(poll_id: int | None = None):
    """SQL: (comment_id, marks, across) per marked comment, as the debate counts them."""
    return mark_counts_query(poll_id).subquery()


def mark_counts(poll_id: int, comment_ids: list[int]) -> dict[int, MarkCount]:
    """Marks of ``comment_ids``, counted now (exact: a voter's mark is one row)."""
    if not comment_ids:
        return {}
    rows = db.session.execute(mark_counts_query(poll_id, comment_ids)).all()
    return {row.comment_id: MarkCount(row.marks, int(row.across)) for row in rows}


def my_marks(comment_ids: list[int], voter_id: str | None) -> set[int]:
    if voter_id is None or not comment_ids:
        return set()
    return set(
        db.session.execute(
            select(CommentMark.comment_id).where(
                CommentMark.voter_id == voter_id, CommentMark.comment_id.in_(comment_ids)
            )
        ).scalars()
    )


def marked_by(voter_id: str | None):
    """SQL: whether ``voter_id`` marked the comment of the row a good point (never, without a voter)."""
    if voter_id is None:
        return false()
    return (
        select(CommentMark.comment_id)
        .where(CommentMark.comment_id == Comment.id, CommentMark.voter_id == voter_id)
        .exists()
    )


def voted_in(poll: Poll, voter_id: str | None) -> bool:
    """Whether this voter's vote in ``poll`` counts (a voided one does not: no marking)."""
    if voter_id is None:
        return False
    counted = select(Vote.id).where(
        Vote.poll_id == poll.id, Vote.voter_id == voter_id, Vote.status == VOTE_COUNTED
    )
    return db.session.execute(counted).first() is not None


def toggle_mark(poll: Poll, comment_id: int, voter_id: str | None, now: datetime) -> bool:
    """Mark a published comment a good point, or take the mark back; True when it is now marked.

    A voter's mark is one row (primary key comment, voter), so it can never
    count twice, even when the same voter's requests race. Only while the poll is
    open, and only by a browser that voted in it (``voter_id`` None: no vote yet).
    """
    require_open_debate(poll, now)
    comment = published_comment(poll, comment_id)
    if comment is None:
        raise DebateRequestError(gettext("There is no such published comment in this debate."), status=404)
    if comment.voter_id == voter_id:
        raise DebateRequestError(
            gettext("This is your own comment: good points are for others to mark."), status=403
        )
    if not voted_in(poll, voter_id):
        raise DebateRequestError(
            gettext("Vote in the poll first: good points are marked by those who answered it."), 403
        )
    key = (CommentMark.comment_id == comment.id, CommentMark.voter_id == voter_id)
    if rows_changed(db.session.execute(delete(CommentMark).where(*key))):
        return False
    values = {"comment_id": comment.id, "voter_id": voter_id, "created_at": now}
    dialect = db.session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        from importlib import import_module

        dialect_insert = import_module(f"sqlalchemy.dialects.{dialect}").insert
        db.session.execute(dialect_insert(CommentMark).values(**values).on_conflict_do_nothing())
        return True
    try:
        db.session.execute(insert(CommentMark).values(**values))
    except IntegrityError:  # the same voter's other request marked it a moment ago
        db.session.rollback()
    return True

"""How the debate splits: the tally, how each commenter voted against the side their comment
argues (only where a moderator checked it), and each side's pick from across the sides."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext, lazy_gettext, ngettext
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from poll.database.models import COMMENT_APPROVED, Choice, Comment, CommentMark, Poll, Vote
from poll.debate.marks import markers_vote
from poll.debate.sides import Side, side_key
from poll.extensions import db
from poll.polls.results import ResultsSnapshot, Tally, results_snapshot
from poll.vocabulary import NEUTRAL


@dataclass(frozen=True)
class SplitRow:
    label: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Pick:
    """For one side: the comment from someone who voted otherwise that its voters marked most."""

    side: Side
    comment: Comment | None
    marks: int


@dataclass(frozen=True)
class DebateSplit:
    tally: Tally | None
    my_choice: str | None
    columns: list[Side]
    rows: list[SplitRow]
    picks: list[Pick]
    checked: int  # published comments whose side a moderator set or confirmed: what the table counts
    published: int

    @property
    def note(self) -> str:
        if not self.checked:
            return gettext(
                "No comment's side has been checked by a moderator yet, so none is counted here: "
                "the tagger's guesses are never shown as fact."
            )
        return ngettext(
            "Counts the %(checked)s of %(num)s published comment whose side a moderator "
            "has checked. Rows: how each commenter voted. Columns: the side their comment argues.",
            "Counts the %(checked)s of %(num)s published comments whose side a moderator "
            "has checked. Rows: how each commenter voted. Columns: the side their comment argues.",
            self.published,
            checked=self.checked,
        )


NOT_VOTED = lazy_gettext("Has not voted")


def debate_split(
    poll: Poll,
    voter_id: str | None,
    now: datetime,
    sides: list[Side],
    snapshot: ResultsSnapshot | None = None,
) -> DebateSplit:
    """The tally (where this reader may see it), votes x the side argued, and each side's pick
    (``snapshot``: the poll's results as this reader sees them, read here if not given).

    Only comments whose side a moderator set or confirmed are counted: the
    tagger's stance is a guess, and a public table must not present it as fact."""
    snapshot = snapshot or results_snapshot(poll.slug, voter_id)
    tally = snapshot.tally if snapshot is not None and snapshot.results_visible(now) else None
    keys = [side.key for side in sides if side.key != NEUTRAL]
    author = aliased(Choice)
    # The side argued where a moderator set it; None (not checked) otherwise, counted only in the total.
    argued = case(
        (Comment.corrected_stance.in_(keys), Comment.corrected_stance),
        (Comment.corrected_stance.is_not(None), NEUTRAL),
        else_=None,
    )
    counted = db.session.execute(
        select(author.id, argued, func.count())
        .select_from(Comment)
        .outerjoin(author, author.id == Comment.author_choice_id)
        .where(Comment.poll_id == poll.id, Comment.status == COMMENT_APPROVED)
        .group_by(author.id, argued)
    ).all()
    cells = {(choice_id, column): number for choice_id, column, number in counted if column is not None}
    total = sum(number for _, _, number in counted)
    row_keys = [(choice.id, choice.label) for choice in poll.choices] + [(None, NOT_VOTED)]
    rows = [
        SplitRow(label, [cells.get((choice_id, side.key), 0) for side in sides])
        for choice_id, label in row_keys
    ]
    return DebateSplit(
        tally,
        snapshot.my_choice if snapshot else None,
        sides,
        rows,
        _picks(poll, sides),
        checked=sum(cells.values()),
        published=total,
    )


def _picks(poll: Poll, sides: list[Side]) -> list[Pick]:
    """Per side: the comment from another side that its voters marked most (newest first on a tie),
    every side's in one query (each comment's marks counted per the markers' side, then ranked)."""
    author, vote, voted = aliased(Choice), aliased(Vote), aliased(Choice)
    keys = [side.key for side in sides if side.key != NEUTRAL]
    markers_side = side_key(voted)
    marks = func.count()
    per_side = (
        select(
            Comment,
            markers_side.label("markers_side"),
            marks.label("marks"),
            func.row_number()
            .over(
                partition_by=markers_side,
                order_by=(marks.desc(), Comment.created_at.desc(), Comment.id.desc()),
            )
            .label("rank"),
        )
        .join(CommentMark, CommentMark.comment_id == Comment.id)
        .join(author, author.id == Comment.author_choice_id)
        .join(vote, markers_vote(vote, Comment))
        .join(voted, voted.id == vote.choice_id)
        .where(Comment.poll_id == poll.id, Comment.status == COMMENT_APPROVED)
        .where(markers_side.in_(keys), side_key(author) != markers_side)
        .group_by(Comment.id, markers_side)
        .subquery()
    )
    picked = aliased(Comment, per_side)
    best = {
        key: (comment, number)
        for comment, key, number in db.session.execute(
            # Each pick's author_choice is one of the poll's choices, which the page has loaded.
            select(picked, per_side.c.markers_side, per_side.c.marks).where(per_side.c.rank == 1)
        ).all()
    }
    return [Pick(side, *best.get(side.key, (None, 0))) for side in sides if side.key != NEUTRAL]

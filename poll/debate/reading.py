"""Reading the debate: its sides, threads of one level of replies, "good point"
marks and the sorts built on them, and how the debate splits.

A comment is filed under the side its author voted for (``Choice.side``,
headed by ``Choice.side_heading`` or "For: <label>"); a comment without a vote,
or with a vote for a neutral answer, goes under "Other views". That is exact
by construction. The tagger's stance is a moderator's tool: readers see a side
argued only where a moderator set or confirmed it, in "How the debate splits".

Fairness: no side is always shown first. The sides' order turns by one place
a day, starting from a different side on each poll, and the "all sides" view
interleaves them one comment at a time in that order, so a phone never shows
a run of one side before the first comment of the other.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, delete, false, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, selectinload

from poll.database import rows_changed
from poll.database.models import (
    COMMENT_APPROVED,
    VOTE_COUNTED,
    Choice,
    Comment,
    CommentMark,
    Poll,
    Vote,
    published_threads,
)
from poll.debate.comments import require_open_debate
from poll.debate.stance_heads import poll_sides, side_of
from poll.extensions import db
from poll.polls.results import ResultsSnapshot, Tally, results_snapshot
from poll.refusals import Refused
from poll.vocabulary import NEUTRAL
from poll.web.dates import format_moment

SORT_NEWEST = "newest"
SORT_REPLIES = "replies"
SORT_VALUED = "valued"
SORTS = {
    SORT_NEWEST: "Newest",
    SORT_REPLIES: "Most replies",
    SORT_VALUED: "Valued across sides",
}
ALL_SIDES = "all"
MAX_SHOWN = 1000


class DebateRequestError(Refused):
    """A debate address or action that cannot be served; the message says why."""


@dataclass(frozen=True)
class Side:
    key: str
    heading: str
    # The label of the choice that names the side ("" for other views).
    label: str = ""


@dataclass(frozen=True)
class MarkCount:
    marks: int = 0
    # Marks from voters whose vote stands for another side than the author's.
    across: int = 0


@dataclass
class Thread:
    comment: Comment
    side: Side
    reply_count: int
    replies: list[Comment] = field(default_factory=list)


@dataclass(frozen=True)
class DebateView:
    sides: list[Side]  # in today's order, "other views" last
    side: Side | None  # the tab shown; None: all sides
    sort: str
    threads: list[Thread]
    shown: int
    has_more: bool
    counts: dict[str, int]
    marks: dict[int, MarkCount]
    my_marks: set[int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def side_key(choice) -> ColumnElement[str]:
    """SQL: the side a vote for the (aliased) ``choice`` stands for."""
    return func.coalesce(choice.side, choice.key)


def side_heading(poll: Poll, key: str) -> str:
    if key == NEUTRAL:
        return "Other views (no vote, or a neutral answer)"
    choice = poll.choice_by_key(key)
    if choice is None:  # map_sides keeps sides to choice keys; this only guards old rows
        return key.replace("_", " ").capitalize()
    return choice.side_heading or f"For: {choice.label}"


def side_order(poll: Poll, today: date) -> list[Side]:
    """The poll's sides, turned by one place a day (from a poll-dependent start), then "other views"."""
    keys = list(poll_sides(poll))
    if keys:
        turn = (today.toordinal() + poll.id) % len(keys)
        keys = keys[turn:] + keys[:turn]
    return [side_for(poll, key) for key in (*keys, NEUTRAL)]


def side_for(poll: Poll, key: str) -> Side:
    choice = poll.choice_by_key(key) if key != NEUTRAL else None
    return Side(key, side_heading(poll, key), choice.label if choice else "")


def _lane(poll_side_keys: list[str], author):
    """SQL: the side a comment is filed under: its author's vote's."""
    value = side_key(author)
    return case((value.in_(poll_side_keys), value), else_=NEUTRAL)


def _reply_counts(poll_id: int):
    reply = aliased(Comment)
    return (
        select(reply.parent_id.label("comment_id"), func.count().label("replies"))
        .where(reply.poll_id == poll_id, reply.status == COMMENT_APPROVED, reply.parent_id.is_not(None))
        .group_by(reply.parent_id)
        .subquery()
    )


def _markers_vote(vote, comment):
    """Join condition: the counted vote, in the comment's poll, of the voter who made a mark."""
    return and_(
        vote.poll_id == comment.poll_id, vote.voter_id == CommentMark.voter_id, vote.status == VOTE_COUNTED
    )


def _mark_counts(poll_id: int | None, comment_ids: list[int] | None = None):
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
        .join(vote, _markers_vote(vote, marked))
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
    return _mark_counts(poll_id).subquery()


def mark_counts(poll_id: int, comment_ids: list[int]) -> dict[int, MarkCount]:
    """Marks of ``comment_ids``, counted now (exact: a voter's mark is one row)."""
    if not comment_ids:
        return {}
    rows = db.session.execute(_mark_counts(poll_id, comment_ids)).all()
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


def parse_sort(value: str | None) -> str:
    if not value:
        return SORT_NEWEST
    if value not in SORTS:
        raise DebateRequestError(f"Unknown sort '{value[:40]}': use one of {', '.join(SORTS)}.")
    return value


def parse_shown(value: str | None, step: int) -> int:
    """How many threads to show: a whole number, rounded into [step, MAX_SHOWN]."""
    try:
        number = int(value) if value else step
    except ValueError:
        number = step
    return max(step, min(number, MAX_SHOWN))


def parse_side(sides: list[Side], value: str | None) -> Side | None:
    if not value or value == ALL_SIDES:
        return None
    side = next((side for side in sides if side.key == value), None)
    if side is None:
        raise DebateRequestError(f"This debate has no side '{value[:40]}'.")
    return side


def debate_view(
    poll: Poll,
    voter_id: str | None,
    today: date,
    sort: str = SORT_NEWEST,
    side: str | None = None,
    shown: int = 20,
) -> DebateView:
    """Published threads (newest, most replied or most valued across sides first),
    one side's or all sides' interleaved in today's order; the first ``shown``."""
    sides = side_order(poll, today)
    chosen = parse_side(sides, side)
    keys = [s.key for s in sides if s.key != NEUTRAL]
    author = aliased(Choice)
    lane = _lane(keys, author)
    replies = _reply_counts(poll.id)
    marks = _mark_counts(poll.id).cte("marks")
    reply_count = func.coalesce(replies.c.replies, 0)
    order = {
        SORT_NEWEST: (),
        SORT_REPLIES: (reply_count.desc(),),
        SORT_VALUED: (func.coalesce(marks.c.across, 0).desc(), func.coalesce(marks.c.marks, 0).desc()),
    }[sort]
    # Every side's first ``shown`` threads and every side's size: each thread is ranked within its
    # side, and the side's count rides on each of its rows.
    ranked = (
        select(
            Comment.id.label("thread_id"),
            reply_count.label("reply_count"),
            lane.label("lane"),
            func.row_number()
            .over(partition_by=lane, order_by=(*order, Comment.created_at.desc(), Comment.id.desc()))
            .label("rank"),
            func.count().over(partition_by=lane).label("lane_size"),
        )
        .outerjoin(author, author.id == Comment.author_choice_id)
        .outerjoin(replies, replies.c.comment_id == Comment.id)
        .outerjoin(marks, marks.c.comment_id == Comment.id)
        .where(*published_threads(poll.id))
        .cte("ranked")
    )
    # With one side chosen, the other sides send one row each: only for their size, on the tabs.
    most = case((ranked.c.lane == chosen.key, shown), else_=1) if chosen else shown
    # The threads and their published replies, each with its marks and this voter's, in one query.
    reply_of_thread = and_(Comment.parent_id == ranked.c.thread_id, Comment.status == COMMENT_APPROVED)
    if chosen:
        reply_of_thread = and_(reply_of_thread, ranked.c.lane == chosen.key)
    rows = db.session.execute(
        select(
            Comment,
            ranked.c.reply_count,
            ranked.c.lane,
            ranked.c.lane_size,
            marks.c.marks,
            marks.c.across,
            _marked_by(voter_id),
        )
        .join(ranked, or_(Comment.id == ranked.c.thread_id, reply_of_thread))
        .outerjoin(marks, marks.c.comment_id == Comment.id)
        .where(ranked.c.rank <= most)
        .order_by(
            ranked.c.lane,
            ranked.c.rank,
            case((Comment.parent_id.is_(None), 0), else_=1),
            Comment.created_at,
            Comment.id,
        )
    ).all()
    counts = dict.fromkeys((s.key for s in sides), 0)
    columns: dict[str, list[Thread]] = {s.key: [] for s in sides}
    lanes = [chosen] if chosen else sides
    by_key = {s.key: s for s in lanes}
    threads_by_id: dict[int, Thread] = {}
    mark_count: dict[int, MarkCount] = {}
    mine: set[int] = set()
    for comment, number, key, size, marked, across, marked_by_voter in rows:
        if marked:
            mark_count[comment.id] = MarkCount(marked, int(across))
        if marked_by_voter:
            mine.add(comment.id)
        if comment.parent_id is not None:
            threads_by_id[comment.parent_id].replies.append(comment)  # its thread's row came first
            continue
        counts[key] = size
        thread = threads_by_id[comment.id] = Thread(comment, by_key.get(key, sides[0]), number)
        if key in by_key:
            columns[key].append(thread)
    threads = _interleave([columns[s.key] for s in lanes])[:shown]
    ids = {t.comment.id for t in threads} | {reply.id for t in threads for reply in t.replies}
    available = counts[chosen.key] if chosen else sum(counts.values())
    return DebateView(
        sides=sides,
        side=chosen,
        sort=sort,
        threads=threads,
        shown=shown,
        has_more=available > len(threads),
        counts=counts,
        marks={comment_id: count for comment_id, count in mark_count.items() if comment_id in ids},
        my_marks=mine & ids,
    )


def _marked_by(voter_id: str | None):
    """SQL: whether ``voter_id`` marked the comment of the row a good point (never, without a voter)."""
    if voter_id is None:
        return false()
    return (
        select(CommentMark.comment_id)
        .where(CommentMark.comment_id == Comment.id, CommentMark.voter_id == voter_id)
        .exists()
    )


def _interleave(columns: list[list[Thread]]) -> list[Thread]:
    """One from each column in turn, skipping columns that have run out."""
    merged = []
    for index in range(max((len(column) for column in columns), default=0)):
        merged += [column[index] for column in columns if index < len(column)]
    return merged


def _attach_replies(threads: list[Thread]) -> None:
    by_parent = {thread.comment.id: thread for thread in threads}
    if not by_parent:
        return
    replies = db.session.execute(
        select(Comment)
        .options(selectinload(Comment.author_choice))
        .where(Comment.parent_id.in_(by_parent), Comment.status == COMMENT_APPROVED)
        .order_by(Comment.created_at, Comment.id)
    ).scalars()
    for reply in replies:
        by_parent[reply.parent_id or 0].replies.append(reply)  # parent_id is one of by_parent's keys


# One comment's page, replies and marks -------------------------------------


def published_comment(poll: Poll, comment_id: int) -> Comment | None:
    """An approved comment of ``poll`` (None for another poll's, an unknown or an unpublished one)."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.poll_id != poll.id or comment.status != COMMENT_APPROVED:
        return None
    return comment


def thread_of(poll: Poll, comment: Comment, voter_id: str | None) -> tuple[Thread, dict, set]:
    """The thread a published comment belongs to (its own, or its parent's), with marks."""
    top = comment if comment.parent_id is None else db.session.get_one(Comment, comment.parent_id)
    keys = list(poll_sides(poll))
    key = side_of(top.author_choice) if top.author_choice else NEUTRAL
    thread = Thread(top, side_for(poll, key if key in keys else NEUTRAL), 0)
    _attach_replies([thread])
    thread.reply_count = len(thread.replies)
    ids = [top.id] + [reply.id for reply in thread.replies]
    return thread, mark_counts(poll.id, ids), my_marks(ids, voter_id)


def reply_parent(poll: Poll, comment_id: int) -> Comment:
    """The comment a reply in ``poll`` may answer, or DebateRequestError saying why not."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.poll_id != poll.id:
        raise DebateRequestError("There is no such comment in this debate.", status=404)
    if comment.status != COMMENT_APPROVED:
        raise DebateRequestError("This comment is not published, so it cannot take replies.", status=404)
    if comment.parent_id is not None:
        raise DebateRequestError("Replies go one level deep: please reply to the comment this reply answers.")
    return comment


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
        raise DebateRequestError("There is no such published comment in this debate.", status=404)
    if comment.voter_id == voter_id:
        raise DebateRequestError("This is your own comment: good points are for others to mark.", status=403)
    if not voted_in(poll, voter_id):
        raise DebateRequestError(
            "Vote in the poll first: good points are marked by those who answered it.", 403
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


# How the debate splits -------------------------------------------------------


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
            return (
                "No comment's side has been checked by a moderator yet, so none is counted here: "
                "the tagger's guesses are never shown as fact."
            )
        return (
            f"Counts the {self.checked} of {self.published} published comments whose side a moderator "
            "has checked. Rows: how each commenter voted. Columns: the side their comment argues."
        )


NOT_VOTED = "Has not voted"


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
        .join(vote, _markers_vote(vote, Comment))
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


def relative_time(then: datetime, now: datetime) -> str:
    """ "just now", "5 minutes ago", "3 hours ago", "2 days ago"; the date after 30 days."""
    seconds = int((now - then).total_seconds())
    if seconds < 60:
        return "just now"
    for unit, size, below in (("minute", 60, 3600), ("hour", 3600, 86400), ("day", 86400, 30 * 86400)):
        if seconds < below:
            number = seconds // size
            return f"{number} {unit}{'' if number == 1 else 's'} ago"
    return format_moment(then, "short_date")

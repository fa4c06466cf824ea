"""Reading the debate: its published threads with one level of replies, sorted (newest, most
replies, valued across sides) and interleaved side by side (poll.debate.sides), with their
good-point marks (poll.debate.marks) read in the same query; and one comment's page."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext, lazy_gettext
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from poll.database.models import COMMENT_APPROVED, Choice, Comment, Poll, published_threads
from poll.debate.comments import DebateRequestError
from poll.debate.marks import MarkCount, mark_counts, mark_counts_query, marked_by, my_marks
from poll.debate.sides import Side, side_for, side_lane, side_order
from poll.debate.stance_heads import poll_sides, side_of
from poll.extensions import db
from poll.vocabulary import NEUTRAL

SORT_NEWEST = "newest"
SORT_REPLIES = "replies"
SORT_VALUED = "valued"
SORTS = {
    SORT_NEWEST: lazy_gettext("Newest"),
    SORT_REPLIES: lazy_gettext("Most replies"),
    SORT_VALUED: lazy_gettext("Valued across sides"),
}
ALL_SIDES = "all"
MAX_SHOWN = 1000


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


def _reply_counts(poll_id: int):
    reply = aliased(Comment)
    return (
        select(reply.parent_id.label("comment_id"), func.count().label("replies"))
        .where(reply.poll_id == poll_id, reply.status == COMMENT_APPROVED, reply.parent_id.is_not(None))
        .group_by(reply.parent_id)
        .subquery()
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
    lane = side_lane(keys, author)
    replies = _reply_counts(poll.id)
    marks = mark_counts_query(poll.id).cte("marks")
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
            marked_by(voter_id),
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
        # Joined, not a second SELECT: a comment's page stays within five statements.
        .options(joinedload(Comment.author_choice))
        .where(Comment.parent_id.in_(by_parent), Comment.status == COMMENT_APPROVED)
        .order_by(Comment.created_at, Comment.id)
    ).scalars()
    for reply in replies:
        by_parent[reply.parent_id or 0].replies.append(reply)  # parent_id is one of by_parent's keys


# One comment's page and replies -------------------------------------


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
        raise DebateRequestError(gettext("There is no such comment in this debate."), status=404)
    if comment.status != COMMENT_APPROVED:
        raise DebateRequestError(
            gettext("This comment is not published, so it cannot take replies."), status=404
        )
    if comment.parent_id is not None:
        raise DebateRequestError(
            gettext("Replies go one level deep: please reply to the comment this reply answers.")
        )
    return comment

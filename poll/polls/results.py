"""Reading results: a poll, its choices' counts and this reader's vote in one query (the snapshot the
poll page, the card and results.json draw), and whole percentages that add up to 100."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, bindparam, func, select

from poll.database.driver_sql import PreparedQuery, fetch_all
from poll.database.models import (
    RESULTS_ALWAYS,
    Choice,
    ChoiceLookup,
    Comment,
    EmbedSites,
    Poll,
    Schedule,
    Vote,
    published_threads,
)
from poll.extensions import db


def poll_choices_and_my_vote(*columns):
    """A poll's columns with one row per choice, in order, and the id of the
    voter's vote where it is for that choice (``:slug``, ``:voter_id``)."""
    return (
        select(*columns, Vote.id.label("my_vote_id"))
        .join(Choice, Choice.poll_id == Poll.id)
        .outerjoin(
            Vote,
            and_(
                Vote.poll_id == Poll.id, Vote.voter_id == bindparam("voter_id"), Vote.choice_id == Choice.id
            ),
        )
        .where(Poll.slug == bindparam("slug"))
        .order_by(Choice.position, Choice.id)
    )


class ChoiceTally(NamedTuple):
    key: str
    label: str
    votes: int
    percent: int


class Tally(NamedTuple):
    total: int
    choices: tuple[ChoiceTally, ...]

    def as_dict(self) -> dict:
        return {"total": self.total, "choices": [choice._asdict() for choice in self.choices]}


def whole_percentages(counts: list[int]) -> list[int]:
    """Percentages that add up to exactly 100 (largest remainder method),
    so a results table never shows 99% or 101%."""
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    exact = [count * 100 / total for count in counts]
    floors = [int(value) for value in exact]
    shortfall = 100 - sum(floors)
    by_remainder = sorted(range(len(counts)), key=lambda i: exact[i] - floors[i], reverse=True)
    for index in by_remainder[:shortfall]:
        floors[index] += 1
    return floors


def tally_of(choices: Sequence[tuple[str, str, int]]) -> Tally:
    """The tally of (key, label, votes) per choice, in the poll's order."""
    counts = [votes for _, _, votes in choices]
    return Tally(
        total=sum(counts),
        choices=tuple(
            ChoiceTally(key, label, votes, percent)
            for (key, label, votes), percent in zip(choices, whole_percentages(counts), strict=True)
        ),
    )


def _tally(rows: Sequence[Any], index_of: Mapping[str | None, int]) -> Tally:
    key, label, vote_count = index_of["key"], index_of["label"], index_of["vote_count"]
    return tally_of([(row[key], row[label], row[vote_count]) for row in rows])


@dataclass(frozen=True)
class ResultsSnapshot(Schedule, ChoiceLookup, EmbedSites):
    """A poll as one reader sees it: what its pages show of it, its schedule,
    its tallies and this voter's choice, read together. The poll page and the
    embedded card render from this alone (no ORM poll). Hashable: two equal
    snapshots render the same page (poll.web.page_cache)."""

    slug: str
    title: str
    question: str
    summary: str
    opens_at: datetime
    closes_at: datetime | None
    results_visibility: str
    results_note: str
    moderation_mode: str
    embed_origins: str
    my_choice: str | None
    tally: Tally
    # The debate's published threads (read for pages only: ``results_snapshot(for_page=True)``).
    comment_count: int = 0
    # The language the poll is written in (None: the reader's browser chooses; poll.web.languages).
    language: str | None = None

    @property
    def choices(self) -> tuple[ChoiceTally, ...]:
        return self.tally.choices

    def results_are_public(self, now: datetime) -> bool:
        """Anyone may see the tally, voted or not (shared caches included)."""
        return self.has_closed(now) or self.results_visibility == RESULTS_ALWAYS

    def results_visible(self, now: datetime) -> bool:
        """This voter may see the tally: it is public, or they have voted."""
        return self.results_are_public(now) or self.my_choice is not None

    def as_shown(self, now: datetime) -> "ResultsSnapshot":
        """This snapshot with the counts this voter may not see set to zero, so
        that two snapshots which show the same page are equal (poll.web.page_cache):
        before a reader votes in an after-vote poll, new votes change nothing they see."""
        if self.results_visible(now):
            return self
        hidden = tuple(choice._replace(votes=0, percent=0) for choice in self.tally.choices)
        return replace(self, tally=Tally(total=0, choices=hidden))


# The hot results path in one round trip: the poll, its counters, and this
# voter's vote found through the unique (poll, voter) index.
_SNAPSHOT_QUERY = poll_choices_and_my_vote(
    Poll.slug,
    Poll.title,
    Poll.question,
    Poll.summary,
    Poll.opens_at,
    Poll.closes_at,
    Poll.results_visibility,
    Poll.results_note,
    Poll.moderation_mode,
    Poll.embed_origins,
    Poll.language,
    Choice.key,
    Choice.label,
    Choice.vote_count,
)


_SNAPSHOT = PreparedQuery(_SNAPSHOT_QUERY)
# The poll page and the card also say how big the debate is ("Join the debate: 57 comments"), read in
# the same round trip; results.json, which open pages poll every few seconds, does not count it.
_DEBATE_SIZE = (
    select(func.count())
    .select_from(Comment)
    .where(*published_threads(Poll.id))
    .correlate(Poll)
    .scalar_subquery()
    .label("comment_count")
)
_PAGE_SNAPSHOT = PreparedQuery(_SNAPSHOT_QUERY.add_columns(_DEBATE_SIZE))


def read_poll_rows(
    prepared: PreparedQuery, slug: str, voter_id: str | None, connection: Connection | None = None
) -> tuple[Sequence[Any], Mapping[str | None, int]]:
    """The rows of a ``poll_choices_and_my_vote`` query (one per choice; none if there is no such poll)
    and where each column is in them, read on ``connection`` (by default the session's)."""
    connection = connection or db.session.connection()
    query = prepared.for_dialect(connection.dialect)
    rows = query.converted(fetch_all(connection, query, {"slug": slug, "voter_id": voter_id or ""}))
    return rows, query.index_of


def results_snapshot(
    slug: str, voter_id: str | None, connection: Connection | None = None, *, for_page: bool = False
) -> ResultsSnapshot | None:
    """Results of the poll at ``slug`` as ``voter_id`` sees them; None if there is no such poll.

    Read on ``connection``, by default the session's (same transaction as the
    rest of the page), through the driver's cursor: this read is behind every
    poll page and results.json.
    """
    rows, at = read_poll_rows(_PAGE_SNAPSHOT if for_page else _SNAPSHOT, slug, voter_id, connection)
    if not rows:
        return None
    poll = rows[0]  # the poll's columns are the same on every row
    return ResultsSnapshot(
        slug=poll[at["slug"]],
        title=poll[at["title"]],
        question=poll[at["question"]],
        summary=poll[at["summary"]],
        opens_at=poll[at["opens_at"]],
        closes_at=poll[at["closes_at"]],
        results_visibility=poll[at["results_visibility"]],
        results_note=poll[at["results_note"]],
        moderation_mode=poll[at["moderation_mode"]],
        embed_origins=poll[at["embed_origins"]],
        my_choice=next((row[at["key"]] for row in rows if row[at["my_vote_id"]] is not None), None),
        tally=_tally(rows, at),
        comment_count=poll[at["comment_count"]] if for_page else 0,
        language=poll[at["language"]],
    )


def snapshot_of_poll(poll: Poll, my_choice: str | None) -> ResultsSnapshot:
    """The snapshot of an ORM ``poll`` read with its choices' ``vote_count`` (undeferred), for a
    page that has the poll already (the debate page): no second read of the same rows."""
    return ResultsSnapshot(
        slug=poll.slug,
        title=poll.title,
        question=poll.question,
        summary=poll.summary,
        opens_at=poll.opens_at,
        closes_at=poll.closes_at,
        results_visibility=poll.results_visibility,
        results_note=poll.results_note,
        moderation_mode=poll.moderation_mode,
        embed_origins=poll.embed_origins,
        my_choice=my_choice,
        tally=tally_of([(choice.key, choice.label, choice.vote_count) for choice in poll.choices]),
        language=poll.language,
    )

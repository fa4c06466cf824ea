"""CSV exports: one set of row iterators serves the admin downloads and the CLI.

Rows stream from the database in batches and leave as CSV text in chunks, so
memory stays flat however large a poll grows.
"""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import chain
from typing import Any

from sqlalchemy import func, select

from poll.accounts.audit import about_poll
from poll.database.column_types import utc_text
from poll.database.driver_sql import fetch_batches
from poll.database.models import VOTE_COUNTED, AuditEntry, Choice, Comment, CommentFlag, Moderator, Poll, Vote
from poll.debate.marks import mark_count_table
from poll.exports.csv_lines import (
    VOTE_LINE_COLUMNS,
    choice_cells,
    csv_chunks,
    defused,
    header_line,
    vote_lines,
)
from poll.extensions import db
from poll.polls.results import whole_percentages
from poll.voters.pseudonyms import poll_pseudonyms

KINDS = ("votes", "comments", "tallies", "audit")
BATCH_ROWS = 2000

HEADERS = {
    # The fast path's own layout, so the header names what vote_lines writes.
    "votes": list(VOTE_LINE_COLUMNS),
    "comments": [
        "id",
        "poll",
        "created_at",
        "display_name",
        "voter",
        "author_vote",
        "body",
        "stance",
        "stance_confidence",
        "corrected_stance",
        "sentiment",
        "compound",
        "incivility",
        "uncivil",
        "language",
        "status",
        "flags",
        "moderated_by",
        "moderated_at",
        "parent_id",
        "rejection_reason",
        "appeal_note",
        "good_points",
        "good_points_other_sides",
    ],
    "tallies": ["choice_key", "label", "votes", "percent", "total"],
    "audit": ["time", "moderator", "action", "target", "before", "after", "reason"],
}


_COMMENT_POLL, _COMMENT_VOTER = HEADERS["comments"].index("poll"), HEADERS["comments"].index("voter")


class ExportError(ValueError):
    """An export that cannot be made as asked, with the reason in words."""


@dataclass(frozen=True)
class ExportRequest:
    kind: str
    poll: Poll | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ExportError(f"Unknown export {self.kind!r}: choose one of {', '.join(KINDS)}.")
        if self.kind == "tallies" and self.poll is None:
            raise ExportError("Tallies belong to one poll: please choose a poll.")
        if self.since and self.until and self.until <= self.since:
            raise ExportError("The end date must be after the start date.")


def _in_range(column, request: ExportRequest) -> list:
    conditions = []
    if request.since is not None:
        conditions.append(column >= request.since)
    if request.until is not None:
        conditions.append(column < request.until)
    return conditions


def _stream(statement) -> Iterator:
    """Rows in batches, as Core rows on the session's connection (no ORM layer per row)."""
    yield from db.session.connection().execute(statement.execution_options(yield_per=BATCH_ROWS))


def voter_pseudonyms(rows: Sequence[Any], keyed_of_choice: dict) -> list[str]:
    """The per-poll pseudonym of each (id, choice id, voter id, ...) row's voter.

    A plain loop over the poll's keyed state, copied per row: the cheapest way
    to run a keyed hash per row (a call per row or ``map`` costs more).
    """
    pseudonyms: list[str] = []
    append = pseudonyms.append
    for row in rows:
        digest = keyed_of_choice[row[1]].copy()
        digest.update(row[2].encode())
        append(digest.hexdigest())
    return pseudonyms


def vote_chunks(request: ExportRequest) -> Iterator[str]:
    """Votes as CSV text, a batch at a time, in time order (the (poll,
    created_at) index gives it unsorted).

    The columns people write (``VOTE_COLUMNS_PER_CHOICE``: poll, choice key and
    label) are defused and encoded once per choice by the csv module; the rest
    (integer id, hex pseudonym, ISO times, status) never needs quoting. The
    voter column is the reader's pseudonym in that poll
    (``poll.voters.pseudonyms.PollPseudonyms``), never the stored voter id.
    """
    pseudonyms = poll_pseudonyms()
    cells_of_choice, keyed_of_choice = {}, {}
    for choice_id, poll_id, slug, key, label in db.session.execute(
        select(Choice.id, Poll.id, Poll.slug, Choice.key, Choice.label).join(Poll, Choice.poll_id == Poll.id)
    ):
        cells_of_choice[choice_id] = choice_cells(slug, key, label)
        keyed_of_choice[choice_id] = pseudonyms.keyed(poll_id)
    statement = (
        select(
            Vote.id,
            Vote.choice_id,
            Vote.voter_id,
            utc_text(Vote.created_at, "stored"),
            utc_text(Vote.updated_at, "stored"),
            Vote.status,
        )
        .where(*_in_range(Vote.created_at, request))
        .order_by(Vote.created_at, Vote.id)
    )
    if request.poll is not None:
        statement = statement.where(Vote.poll_id == request.poll.id)
    for rows in fetch_batches(db.session.connection(), statement, BATCH_ROWS):
        yield vote_lines(rows, cells_of_choice, voter_pseudonyms(rows, keyed_of_choice))


def comment_rows(request: ExportRequest) -> Iterator[tuple]:
    flags = (
        select(func.coalesce(func.aggregate_strings(CommentFlag.flag, " "), ""))
        .where(CommentFlag.comment_id == Comment.id)
        .scalar_subquery()
    )
    # Good points as the debate counts them (marks of counted votes; across: from another side).
    marks = mark_count_table(request.poll.id if request.poll is not None else None)
    statement = (
        select(
            Comment.id,
            Poll.slug,
            utc_text(Comment.created_at, "iso_milliseconds"),
            Comment.display_name,
            Comment.voter_id,
            Choice.key,
            Comment.body,
            Comment.stance,
            Comment.stance_confidence,
            Comment.corrected_stance,
            Comment.sentiment,
            Comment.compound,
            Comment.incivility,
            Comment.uncivil,
            Comment.language,
            Comment.status,
            flags,
            Moderator.username,
            utc_text(Comment.moderated_at, "iso_milliseconds"),
            Comment.parent_id,
            Comment.decision_reason,
            Comment.appeal_note,
            func.coalesce(marks.c.marks, 0),
            func.coalesce(marks.c.across, 0),
        )
        .join(Poll, Comment.poll_id == Poll.id)
        .outerjoin(Choice, Comment.author_choice_id == Choice.id)
        .outerjoin(Moderator, Comment.moderated_by_id == Moderator.id)
        .outerjoin(marks, marks.c.comment_id == Comment.id)
        .where(*_in_range(Comment.created_at, request))
        .order_by(Comment.id)
    )
    if request.poll is not None:
        statement = statement.where(Comment.poll_id == request.poll.id)
    pseudonym = poll_pseudonyms()
    poll_id_of_slug = {slug: poll_id for slug, poll_id in db.session.execute(select(Poll.slug, Poll.id))}
    for row in _stream(statement):
        row = list(row)
        # The same per-poll pseudonym as in the votes export, so the two join.
        row[_COMMENT_VOTER] = pseudonym(poll_id_of_slug[row[_COMMENT_POLL]], row[_COMMENT_VOTER])
        yield tuple(row)


def tally_rows(request: ExportRequest) -> Iterator[tuple]:
    """Per choice: the live counters, or with dates, the counted votes first cast in that range."""
    poll = request.poll
    if poll is None:
        raise ExportError("Tallies belong to one poll: please choose a poll.")
    choices = poll.choices
    if request.since is None and request.until is None:
        # Read here, not from the (possibly detached) choices: vote_count is a deferred sum of slots.
        by_id: dict[int, int] = {
            choice_id: count
            for choice_id, count in db.session.execute(
                select(Choice.id, Choice.vote_count).where(Choice.poll_id == poll.id)
            )
        }
        counts = [by_id[choice.id] for choice in choices]
    else:
        counted: dict[int, int] = {
            choice_id: count
            for choice_id, count in db.session.execute(
                select(Vote.choice_id, func.count())
                .where(
                    Vote.poll_id == poll.id,
                    Vote.status == VOTE_COUNTED,
                    *_in_range(Vote.created_at, request),
                )
                .group_by(Vote.choice_id)
            )
        }
        counts = [counted.get(choice.id, 0) for choice in choices]
    total = sum(counts)
    for choice, count, percent in zip(choices, counts, whole_percentages(counts), strict=True):
        yield choice.key, choice.label, count, percent, total


def audit_rows(request: ExportRequest) -> Iterator[tuple]:
    statement = (
        select(
            utc_text(AuditEntry.created_at, "iso_milliseconds"),
            AuditEntry.actor,
            AuditEntry.action,
            AuditEntry.target_type,
            AuditEntry.target_id,
            AuditEntry.before,
            AuditEntry.after,
            AuditEntry.reason,
        )
        .where(*_in_range(AuditEntry.created_at, request))
        .order_by(AuditEntry.id)
    )
    if request.poll is not None:
        statement = statement.where(about_poll(request.poll.id))
    for time, actor, action, target_type, target_id, before, after, reason in _stream(statement):
        yield (
            time,
            actor,
            action,
            f"{target_type} {target_id}",
            json.dumps(before, ensure_ascii=False) if before is not None else "",
            json.dumps(after, ensure_ascii=False) if after is not None else "",
            reason,
        )


ROWS = {"comments": comment_rows, "tallies": tally_rows, "audit": audit_rows}


def rows(request: ExportRequest) -> Iterator[tuple]:
    """The rows of a (non-votes) export, person-written columns defused by name."""
    return defused(HEADERS[request.kind], ROWS[request.kind](request))


def export_chunks(request: ExportRequest, bom: bool = False) -> Iterator[str]:
    if request.kind != "votes":
        return csv_chunks(HEADERS[request.kind], rows(request), bom=bom)
    return chain([header_line(HEADERS["votes"], bom=bom)], vote_chunks(request))


def filename(request: ExportRequest, today: date) -> str:
    scope = request.poll.slug if request.poll is not None else "all-polls"
    return f"{scope}-{request.kind}-{today.isoformat()}.csv"


def describe(request: ExportRequest) -> dict:
    """What an export covered, for its audit entry."""
    return {
        "kind": request.kind,
        "poll": request.poll.slug if request.poll is not None else None,
        "since": request.since.isoformat() if request.since else None,
        "until": request.until.isoformat() if request.until else None,
    }


def parse_day(text: str | None, field: str) -> date | None:
    """``YYYY-MM-DD`` or nothing; anything else is an ExportError naming the field."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ExportError(f"{field} must be a date like 2026-11-25.") from None


def build_request(kind: str, poll: Poll | None, since: date | None, until: date | None) -> ExportRequest:
    """Dates are whole UTC days; ``until`` includes its day."""
    start = datetime.combine(since, datetime.min.time(), tzinfo=UTC) if since else None
    # The last day there is has no next day: until then is until the end, no bound at all.
    end = None
    if until is not None and until < date.max:
        end = datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    return ExportRequest(kind, poll, start, end)


def row_count(request: ExportRequest) -> int:
    """How many rows an export will have (for progress bars)."""
    if request.kind == "tallies":
        return len(request.poll.choices) if request.poll is not None else 0
    models: dict[str, Any] = {"votes": Vote, "comments": Comment, "audit": AuditEntry}
    model = models[request.kind]
    statement = select(func.count()).select_from(model).where(*_in_range(model.created_at, request))
    if request.poll is not None:
        scope = about_poll(request.poll.id) if model is AuditEntry else model.poll_id == request.poll.id
        statement = statement.where(scope)
    return db.session.scalar(statement) or 0

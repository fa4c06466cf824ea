"""Rows to CSV text, with every cell a person wrote defused by its column's name.

Pure functions (no Flask, no database): ``poll.exports.rows`` reads the rows and
passes them here. Two ways out:

* ``csv_chunks``: any header and rows, through ``csv.writer``.
* the votes fast path (``choice_cells``, ``vote_lines``): the same text as
  ``csv.writer`` would write (a property test checks), built by one f-string
  per row, 5-10x faster, because a votes export can hold millions of rows.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CHUNK_ROWS = 2000

# Every column of every export is one or the other, by name (a test checks).
# Text a person typed, or that holds what one typed (a choice key as a stance,
# a blocked word in an audit target, a reason inside before/after JSON): defused
# in every export, so that a spreadsheet shows it rather than running it.
PERSON_WRITTEN = frozenset(
    {
        "poll",  # the slug, typed by an admin
        "choice_key",
        "choice_label",
        "label",
        "author_vote",  # a choice key
        "display_name",
        "body",
        "stance",  # a poll's sides are its choice keys
        "corrected_stance",
        "moderated_by",
        "moderator",
        "target",  # "poll <slug>", "blocked_word <phrase>", "moderator <name>"
        "before",
        "after",
        "reason",
        "rejection_reason",  # a preset an admin wrote, and a moderator's own words
        "appeal_note",  # the comment's author
    }
)
# Made by the app alone: ids, keyed hashes, times, tags from fixed sets and
# numbers. Not defused, so a negative number (a compound sentiment of -0.4)
# stays a number in a spreadsheet.
MACHINE_WRITTEN = frozenset(
    {
        "vote_id",
        "id",
        "voter",
        "created_at",
        "updated_at",
        "moderated_at",
        "time",
        "status",
        "stance_confidence",
        "sentiment",
        "compound",
        "incivility",
        "uncivil",
        "language",
        "flags",
        "action",
        "votes",
        "percent",
        "total",
        "parent_id",
        "good_points",
        "good_points_other_sides",
    }
)

# The votes fast path writes these, defused and encoded once per choice
# (``choice_cells``); its other columns go out as they come, so they must be
# machine-written (a test checks).
VOTE_COLUMNS_PER_CHOICE = ("poll", "choice_key", "choice_label")
# The columns of a line from ``vote_lines``, in its order: the votes export's header.
VOTE_LINE_COLUMNS = ("vote_id", *VOTE_COLUMNS_PER_CHOICE, "voter", "created_at", "updated_at", "status")

STORED_TIME_LENGTH = len("2026-11-25 08:00:01.123456")
_CREATED, _UPDATED = itemgetter(3), itemgetter(4)  # in a row given to vote_lines


def defuse(value):
    """OWASP: a text cell that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def person_written_positions(header: Sequence[str]) -> tuple[int, ...]:
    """Where the person-written columns are in rows under ``header``, found by name."""
    return tuple(index for index, name in enumerate(header) if name in PERSON_WRITTEN)


def defused(header: Sequence[str], records: Iterable[Sequence]) -> Iterator[tuple]:
    """``records`` under ``header``, each cell of a person-written column defused.

    The positions come from the names in ``header``, so a header that gains or
    reorders a column still defuses the cells that sit under person-written names.
    """
    positions = person_written_positions(header)
    for record in records:
        record = list(record)
        for position in positions:
            record[position] = defuse(record[position])
        yield tuple(record)


def csv_chunks(header: Sequence[str], records: Iterable[Sequence], bom: bool = False) -> Iterator[str]:
    """RFC 4180 CSV text, ``CHUNK_ROWS`` rows at a time. Cells go out as given:
    defuse them first (``defused``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if bom:
        buffer.write(BOM)
    writer.writerow(header)
    batch = []
    for record in records:
        batch.append(record)
        if len(batch) >= CHUNK_ROWS:
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    writer.writerows(batch)
    yield buffer.getvalue()


def csv_fragment(values: Sequence) -> str:
    """Cells encoded by the csv module, without the line ending.

    Written with the real line ending and cut after: the csv module quotes a
    cell holding CR or LF only when its line ending has them.
    """
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()[:-2]


def header_line(header: Sequence[str], bom: bool = False) -> str:
    return (BOM if bom else "") + csv_fragment(header) + "\r\n"


def choice_cells(slug: str, key: str, label: str) -> str:
    """One choice's ``VOTE_COLUMNS_PER_CHOICE`` cells, defused by name and
    encoded, for every ``vote_lines`` row that names the choice."""
    return csv_fragment(next(defused(VOTE_COLUMNS_PER_CHOICE, [(slug, key, label)])))


def stored_layout(text: str) -> str:
    """A time another tool wrote into SQLite ("2026-11-25 08:00:01", an offset,
    a shorter fraction) in the layout SQLAlchemy writes."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(sep=" ", timespec="microseconds")


def _in_stored_layout(rows: Sequence[Any]) -> bool:
    """Every time in the batch is in the stored layout: of its length and with no
    UTC offset. Other layouts of that length carry one ("08:00:01.123+01"), and
    its sign is the only "+", or a third "-", in a time. Checked in C over the
    whole batch, not per row in Python."""
    times = [*map(_CREATED, rows), *map(_UPDATED, rows)]
    if not {*map(len, times)} <= {STORED_TIME_LENGTH}:
        return False
    joined = "".join(times)
    return "+" not in joined and joined.count("-") == 2 * len(times)


def vote_lines(rows: Sequence[Any], cells_of_choice: dict[int, str], voters: list[str]) -> str:
    """CSV lines (``VOTE_LINE_COLUMNS``) for a batch of (id, choice id, voter id,
    created, updated, status) rows, showing ``voters`` (their pseudonyms) for
    the voter ids, ``cells_of_choice`` (from ``choice_cells``) for the choice
    ids, and the UTC times, stored as "YYYY-MM-DD HH:MM:SS.ffffff", as ISO 8601
    with milliseconds.

    One comprehension per batch and no call per value: at a million rows,
    each call or per-cell quoting check would cost more than the database read.
    The other cells need no quoting: an integer id, a hex pseudonym, ISO times
    and a status from a fixed set.
    """
    if not _in_stored_layout(rows):
        rows = [(*row[:3], stored_layout(row[3]), stored_layout(row[4]), *row[5:]) for row in rows]
    return "".join(
        [
            f"{vote_id},{cells_of_choice[choice_id]},{voter},"
            f"{created[:10]}T{created[11:23]}Z,{updated[:10]}T{updated[11:23]}Z,{status}\r\n"
            for (vote_id, choice_id, _, created, updated, status), voter in zip(rows, voters, strict=True)
        ]
    )

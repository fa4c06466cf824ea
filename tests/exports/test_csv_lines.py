"""The votes fast path writes what csv.writer would, and cells are defused by column name."""

import csv
import io
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from poll.database.models import VOTE_STATUSES
from poll.exports.csv_lines import (
    FORMULA_STARTS,
    MACHINE_WRITTEN,
    VOTE_COLUMNS_PER_CHOICE,
    VOTE_LINE_COLUMNS,
    choice_cells,
    csv_fragment,
    defused,
    vote_lines,
)

# Text a person might type: anything, or anything led by a formula start or a CSV special.
cell_text = st.one_of(
    st.text(),
    st.builds(str.__add__, st.sampled_from([*FORMULA_STARTS, ",", '"', "\r\n", "\n", "'"]), st.text()),
)
pseudonym = st.text(alphabet="0123456789abcdef", min_size=1, max_size=64)
moment = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))


def writer_line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def iso_ms(naive_utc: datetime) -> str:
    return naive_utc.isoformat(timespec="milliseconds") + "Z"


@st.composite
def stored_time(draw) -> tuple[str, str]:
    """(the text in the database, the ISO UTC it should leave as): the app's
    layout mostly, else one another tool wrote (shorter fraction, an offset)."""
    naive = draw(moment)
    if draw(st.booleans()):
        return naive.isoformat(sep=" ", timespec="microseconds"), iso_ms(naive)
    timespec = draw(st.sampled_from(["seconds", "milliseconds", "microseconds"]))
    naive = naive.replace(microsecond=0) if timespec == "seconds" else naive
    offset = draw(st.sampled_from([None, timedelta(0), timedelta(hours=1), timedelta(hours=-5, minutes=-30)]))
    if offset is None:
        return naive.isoformat(sep=" ", timespec=timespec), iso_ms(naive)
    local = naive.replace(tzinfo=UTC).astimezone(timezone(offset)).isoformat(sep=" ", timespec=timespec)
    # The offset as other tools spell it: "+01:00", "+0100", or "+01" when it is whole hours
    # ("…01.123+01" has the stored layout's length).
    moment_text, offset_text = local[:-6], local[-6:]
    spelling = draw(st.sampled_from(["extended", "basic", "hours"]))
    if spelling == "basic":
        offset_text = offset_text.replace(":", "")
    elif spelling == "hours" and offset_text.endswith(":00"):
        offset_text = offset_text[:3]
    return moment_text + offset_text, iso_ms(naive)


@settings(max_examples=200, deadline=None)
@given(
    choices=st.lists(st.tuples(cell_text, cell_text, cell_text), min_size=1, max_size=4),
    rows=st.lists(
        st.tuples(
            st.integers(),
            st.integers(min_value=0),
            pseudonym,
            stored_time(),
            stored_time(),
            st.sampled_from(VOTE_STATUSES),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_vote_lines_equal_csv_writer_on_the_defused_rows(choices, rows):
    cells_of_choice = {index: choice_cells(*choice) for index, choice in enumerate(choices)}
    stored = [
        (vote_id, choice % len(choices), "v" * 32, created[0], updated[0], status)
        for vote_id, choice, _, created, updated, status in rows
    ]
    voters = [row[2] for row in rows]
    whole_rows = [
        (vote_id, *choices[choice % len(choices)], voter, created[1], updated[1], status)
        for vote_id, choice, voter, created, updated, status in rows
    ]
    expected = "".join(writer_line(row) for row in defused(VOTE_LINE_COLUMNS, whole_rows))
    assert vote_lines(stored, cells_of_choice, voters) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(cell_text, st.integers(), st.floats(), st.none()), min_size=1))
def test_csv_fragment_is_csv_writer_without_the_line_ending(values):
    assert csv_fragment(values) + "\r\n" == writer_line(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(cell_text, min_size=2), st.lists(cell_text, min_size=2))
def test_fragments_joined_by_a_comma_are_the_whole_row(left, right):
    """What the fast path relies on: cells encoded apart read as one row (a lone
    empty cell is the exception, written "" by csv.writer, so fragments hold two or more)."""
    assert csv_fragment(left) + "," + csv_fragment(right) + "\r\n" == writer_line(left + right)


def test_the_fast_paths_raw_columns_are_machine_written():
    raw = [name for name in VOTE_LINE_COLUMNS if name not in VOTE_COLUMNS_PER_CHOICE]
    assert set(raw) <= MACHINE_WRITTEN


def test_a_time_of_the_stored_length_with_an_offset_is_moved_to_utc():
    """A time like "…08:00:01.123+01" is as long as the stored layout: its offset must not be cut off."""
    rows = [(1, 0, "v" * 32, "2026-11-25 08:00:01.123+01", "2026-11-25 08:00:01.123-05", "counted")]
    line = vote_lines(rows, {0: choice_cells("poll", "a", "A")}, ["pseudonym"])
    assert line == "1,poll,a,A,pseudonym,2026-11-25T07:00:01.123Z,2026-11-25T13:00:01.123Z,counted\r\n"


def test_cells_are_defused_by_their_column_name_wherever_it_stands():
    row = {"id": "-1", "compound": "-0.4", "body": "=SUM(A1)", "display_name": "@ann"}
    for header in (
        ["id", "body"],
        ["body", "id"],
        ["id", "compound", "body"],
        ["display_name", "compound", "id", "body"],
    ):
        (written,) = defused(header, [[row[name] for name in header]])
        cell = dict(zip(header, written, strict=True))
        assert cell["id"] == "-1"
        assert cell.get("compound", "-0.4") == "-0.4"
        assert cell["body"] == "'=SUM(A1)"
        assert cell.get("display_name", "'@ann") == "'@ann"

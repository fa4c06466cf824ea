"""CSV exports: the row iterators and writer shared by the admin views and the CLI."""

import csv
import io
from datetime import date

import pytest

from poll.db_types import utcnow
from poll.export import (
    HEADERS,
    ExportError,
    ExportRequest,
    build_request,
    csv_chunks,
    defuse,
    export_chunks,
    filename,
    parse_day,
)
from poll.extensions import db
from poll.services.comments import post_comment
from poll.services.polls import poll_by_slug

HOSTILE_BODIES = [
    'Commas, "quotes", and more, "nested ""quotes"""',
    "Line one\nline two\r\nline three\rline four",
    "Unicode: 북한 미사일 — «talks» 🕊️ \u200b zero-width, e\u0301 combining",
    "Trailing spaces and tabs\tinside   ",
    "'Already quoted",
    "Ends with a comma,",
]
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTabbed", "\rCarriage"]


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


def test_defuse_prefixes_formula_starts_only_in_text():
    for value in FORMULAS:
        assert defuse(value) == "'" + value
    assert defuse("Normal text") == "Normal text"
    assert defuse(-0.5) == -0.5 and defuse(3) == 3 and defuse(None) is None


def test_chunks_round_trip_through_a_strict_reader():
    records = [(index, body) for index, body in enumerate(HOSTILE_BODIES)]
    text = "".join(csv_chunks(["id", "body"], records))
    assert parse(text) == [["id", "body"], *[[str(i), body] for i, body in records]]
    assert text.endswith("\r\n")


def test_many_rows_come_in_several_chunks_and_match():
    chunks = list(csv_chunks(["n"], ((n,) for n in range(5000))))
    assert len(chunks) > 2
    assert [row[0] for row in parse("".join(chunks))[1:]] == [str(n) for n in range(5000)]


def test_bom_only_when_asked():
    assert "".join(csv_chunks(["a"], [], bom=True)).startswith("\ufeffa\r\n")
    assert "".join(csv_chunks(["a"], [])) == "a\r\n"


@pytest.mark.parametrize(
    "kwargs, message",
    [({"kind": "secrets"}, "Unknown export"), ({"kind": "tallies"}, "please choose a poll")],
)
def test_bad_requests_are_explained(kwargs, message):
    with pytest.raises(ExportError, match=message):
        ExportRequest(**kwargs)


def test_dates_are_whole_days_with_the_end_included():
    request = build_request("votes", None, date(2026, 11, 1), date(2026, 11, 1))
    assert request.since.isoformat() == "2026-11-01T00:00:00+00:00"
    assert request.until.isoformat() == "2026-11-02T00:00:00+00:00"
    with pytest.raises(ExportError, match="after the start"):
        build_request("votes", None, date(2026, 11, 2), date(2026, 11, 1))
    for bad in ("2026-13-01", "yesterday", "2026/11/01", "1' OR '1'='1"):
        with pytest.raises(ExportError, match="like 2026-11-25"):
            parse_day(bad, "The start date")
    assert parse_day("", "x") is None


def test_file_names_are_dated():
    assert filename(ExportRequest("audit"), date(2026, 11, 25)) == "all-polls-audit-2026-11-25.csv"


def test_comment_export_round_trips_hostile_text_and_hides_the_voter(app, debate_poll):
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        for index, body in enumerate(HOSTILE_BODIES + FORMULAS):
            post_comment(poll, f"{index:032d}", body, FORMULAS[index % len(FORMULAS)], "", utcnow())
        db.session.commit()
        rows = parse("".join(export_chunks(ExportRequest("comments", poll))))
    assert rows[0] == HEADERS["comments"]
    bodies = [row[6] for row in rows[1:]]
    assert bodies == HOSTILE_BODIES + ["'" + formula for formula in FORMULAS]
    assert all(row[3].startswith("'") for row in rows[1:])
    assert all(len(row[4]) == 32 and not row[4].startswith("000") for row in rows[1:])


def test_vote_export_round_trips_hostile_choice_labels(app, make_poll):
    from poll.export import ExportRequest as Request

    slug = make_poll(
        "hostile", choices=[("a", 'Yes, "of course",\nboth'), ("b", "=1+2"), ("-c", "Ünïcode ✓")]
    )
    clients = [app.test_client() for _ in range(3)]
    for client, key in zip(clients, ["a", "b", "-c"], strict=True):
        client.post(f"/polls/{slug}/vote", data={"choice": key})
    with app.app_context():
        rows = parse("".join(export_chunks(Request("votes", poll_by_slug(slug)))))
    assert rows[0] == HEADERS["votes"]
    assert [(row[1], row[2], row[3]) for row in rows[1:]] == [
        ("hostile", "a", 'Yes, "of course",\nboth'),
        ("hostile", "b", "'=1+2"),
        ("hostile", "'-c", "Ünïcode ✓"),
    ]
    assert all(row[5].endswith("Z") and row[5][10] == "T" and len(row[5]) == 24 for row in rows[1:])


def test_iso_time_from_either_engine():
    from datetime import datetime, timedelta, timezone

    from poll.export import iso_time

    assert iso_time("2026-11-25 08:00:01.123456") == "2026-11-25T08:00:01.123Z"
    assert iso_time("2026-11-25 08:00:01") == "2026-11-25T08:00:01.000Z"
    plus_one = timezone(timedelta(hours=1))
    assert iso_time(datetime(2026, 11, 25, 9, 0, 1, 123456, tzinfo=plus_one)) == "2026-11-25T08:00:01.123Z"

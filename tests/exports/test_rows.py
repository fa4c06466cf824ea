"""CSV exports: the row iterators and writer shared by the admin views and the CLI."""

import csv
import io
from datetime import UTC, date, timedelta, timezone

import pytest

from poll.database.column_types import utcnow
from poll.debate.comments import post_comment
from poll.exports.csv_lines import csv_chunks, defuse, vote_lines
from poll.exports.rows import (
    HEADERS,
    ExportError,
    ExportRequest,
    build_request,
    export_chunks,
    filename,
    parse_day,
)
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote
from poll.voters.pseudonyms import poll_pseudonyms
from tests.conftest import TEST_DATABASE_URL

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


def test_comment_export_round_trips_hostile_text_with_the_voter_pseudonym(app, debate_poll):
    """Services get voter ids already hashed from the browser's token (see test_exports);
    the export shows each one's pseudonym in the poll."""
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        for index, body in enumerate(HOSTILE_BODIES + FORMULAS):
            post_comment(poll, f"{index:032d}", body, FORMULAS[index % len(FORMULAS)], "", utcnow())
        db.session.commit()
        rows = parse("".join(export_chunks(ExportRequest("comments", poll))))
        pseudonyms = [poll_pseudonyms()(poll.id, f"{index:032d}") for index in range(len(rows) - 1)]
    assert rows[0] == HEADERS["comments"]
    bodies = [row[6] for row in rows[1:]]
    assert bodies == HOSTILE_BODIES + ["'" + formula for formula in FORMULAS]
    assert all(row[3].startswith("'") for row in rows[1:])
    assert [row[4] for row in rows[1:]] == pseudonyms


def test_vote_export_round_trips_hostile_choice_labels(app, make_poll):
    from poll.exports.rows import ExportRequest as Request

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


def test_vote_lines_turn_stored_time_text_into_iso_utc():
    rows = [(7, 1, "f" * 32, "2026-11-25 08:00:01.123456", "2026-11-25 08:00:02.000000", "counted")]
    assert vote_lines(rows, {1: "p,k,Label"}, ["e" * 32]) == (
        f"7,p,k,Label,{'e' * 32},2026-11-25T08:00:01.123Z,2026-11-25T08:00:02.000Z,counted\r\n"
    )


def test_vote_lines_bring_times_in_other_layouts_to_the_same_iso_utc():
    """A batch with one time another tool wrote (no fraction, an offset) is
    normalised whole; the rest of the batch is unchanged."""
    rows = [
        (1, 1, "a" * 32, "2026-11-25 08:00:01.123456", "2026-11-25 08:00:01.123456", "counted"),
        (2, 1, "b" * 32, "2026-11-25 09:00:02+01:00", "2026-11-25 08:00:03", "void"),
    ]
    assert vote_lines(rows, {1: "p,k,L"}, ["c" * 32, "d" * 32]) == (
        f"1,p,k,L,{'c' * 32},2026-11-25T08:00:01.123Z,2026-11-25T08:00:01.123Z,counted\r\n"
        f"2,p,k,L,{'d' * 32},2026-11-25T08:00:02.000Z,2026-11-25T08:00:03.000Z,void\r\n"
    )


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite keeps times as text; PostgreSQL as timestamps")
def test_sqlite_times_stored_by_other_tools_still_export_as_iso_utc(app, debate_poll):
    """Rows not written by SQLAlchemy may lack the fraction of a second."""
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        cast_vote(poll, poll.choices[0], "v" * 32, utcnow())
        db.session.execute(
            db.text(
                "UPDATE vote SET created_at = '2026-11-25 08:00:01', updated_at = '2026-11-25 08:00:02.5'"
            )
        )
        db.session.commit()
        rows = parse("".join(export_chunks(ExportRequest("votes", poll))))
    assert rows[1][5:7] == ["2026-11-25T08:00:01.000Z", "2026-11-25T08:00:02.500Z"]


def test_vote_times_leave_as_utc_with_milliseconds_on_either_engine(app, debate_poll):
    """A time cast in another zone is stored and exported as the same instant in UTC."""
    cast_at = (
        (utcnow() + timedelta(minutes=1)).replace(microsecond=123456).astimezone(timezone(timedelta(hours=1)))
    )
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        cast_vote(poll, poll.choices[0], "v" * 32, cast_at)
        db.session.commit()
        rows = parse("".join(export_chunks(ExportRequest("votes", poll))))
    expected = cast_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.123Z")
    assert rows[1][5:7] == [expected, expected]


def by_name(rows: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_comment_export_carries_reason_appeal_parent_and_good_points(app, accounts, debate_poll):
    """A reply's parent, the rejection reason and the appeal note as stored (defused), and good
    points counted as the debate counts them: all, and those from voters of another side."""
    from poll.database.models import Moderator
    from poll.debate.appeals import appeal_rejection
    from poll.debate.marks import toggle_mark
    from poll.debate.moderation import approve, reject

    with app.app_context():
        poll, now = poll_by_slug(debate_poll), utcnow()
        mo = db.session.execute(db.select(Moderator).filter_by(username="mo")).scalar_one()
        choice = {key: poll.choice_by_key(key) for key in ("military", "diplomacy")}
        for voter, key in [("a", "military"), ("c", "military"), ("d", "diplomacy"), ("e", "diplomacy")]:
            cast_vote(poll, choice[key], voter * 32, now)
        top = post_comment(poll, "a" * 32, "Strength deters them.", "", "", now)
        approve(top, mo, now)
        reply = post_comment(poll, "b" * 32, "Talks first.", "", "", now, parent=top)
        reject(reply, mo, now, "=Off topic")
        appeal_rejection(poll, reply.id, "b" * 32, "+It answers the comment above.", now)
        for voter in "cde":  # one from the author's side, two from the other
            toggle_mark(poll, top.id, voter * 32, now)
        db.session.commit()
        rows = by_name(parse("".join(export_chunks(ExportRequest("comments", poll)))))
        top, reply = top.id, reply.id
    exported = {int(row["id"]): row for row in rows}
    assert (exported[top]["parent_id"], exported[reply]["parent_id"]) == ("", str(top))
    assert exported[reply]["rejection_reason"] == "'=Off topic"
    assert exported[reply]["appeal_note"] == "'+It answers the comment above."
    assert exported[top]["rejection_reason"] == exported[top]["appeal_note"] == ""
    assert (exported[top]["good_points"], exported[top]["good_points_other_sides"]) == ("3", "2")
    assert (exported[reply]["good_points"], exported[reply]["good_points_other_sides"]) == ("0", "0")


def test_audit_export_of_a_poll_holds_the_mutes_of_its_commenters_only(app, accounts, debate_poll, make_poll):
    from poll.database.models import Moderator
    from poll.debate.mutes import lift, mute
    from poll.exports.rows import row_count

    other_slug = make_poll("other-poll")
    with app.app_context():
        poll, other, now = poll_by_slug(debate_poll), poll_by_slug(other_slug), utcnow()
        mo = db.session.execute(db.select(Moderator).filter_by(username="mo")).scalar_one()
        post_comment(poll, "h" * 32, "Here.", "", "", now)
        post_comment(other, "t" * 32, "There.", "", "", now)
        here = mute("h" * 32, "Insults in this debate", now + timedelta(days=1), mo, now)
        lift(here.id, mo, now)
        mute("t" * 32, "Spam in the other poll", now + timedelta(days=1), mo, now)
        db.session.commit()
        request = ExportRequest("audit", poll)
        rows = by_name(parse("".join(export_chunks(request))))
        everything = by_name(parse("".join(export_chunks(ExportRequest("audit")))))
        counted, here = row_count(request), here.id
    mutes = [
        (row["action"], row["target"], row["reason"]) for row in rows if row["action"].startswith("voter.")
    ]
    assert mutes == [
        ("voter.mute", f"voter_mute {here}", "Insults in this debate"),
        ("voter.unmute", f"voter_mute {here}", ""),
    ]
    assert "Spam in the other poll" in {row["reason"] for row in everything}
    assert counted == len(rows)

"""Issue 13, finding 6: a rejection reason ``=HYPERLINK(...)`` reached audit.csv
raw, and so could other text people write.

Every field a person can write is given a formula start here (through the
forms where they allow it, through the services where a form would strip or
refuse the start), then every export kind is downloaded from the admin page
and from ``flask export``, and every cell is checked by its column's name, as
``poll.exports.rows`` declares it: a person-written cell never starts with a formula
character; a machine-written one does so only as a number (a negative
compound sentiment stays -0.4, not '-0.4, so a spreadsheet can sum it).
"""

import csv
import io
import re

import pytest

from poll.accounts import moderators
from poll.database.column_types import utcnow
from poll.database.models import Comment
from poll.debate.comments import post_comment
from poll.exports import csv_lines
from poll.exports import rows as export
from poll.extensions import db
from poll.polls.editing import create_poll
from poll.polls.finding import poll_by_slug
from tests.conftest import PASSWORD

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SLUG = "=cmd"
MODERATOR = "-mod"  # the username pattern allows a leading dash
CHOICES = [
    ("-a", '=HYPERLINK("http://evil.example/","x")'),  # a key the admin form allows
    ("=b", "+cmd|' /C calc'!A0"),
    ("@c", "@SUM(1)"),
    ("+d", "-1+1"),
    ("\te", "\tTabbed label"),
    ("\rf", "\rCarriage label"),
]
REASON = '=HYPERLINK("http://evil.example/","x")'
BLOCKED_WORD = "=cmd|' /c calc'!a0"
# Columns whose cells begin with text the app writes, whatever a person typed
# after it: "blocked_word =cmd", or JSON objects '{"status": ...}'.
LED_BY_THE_APP = {"target", "before", "after"}
# A formula start at the beginning of a word or a JSON string (not the dash in a date).
TYPED_FORMULA = re.compile(r"""(?:^|[\s"])[=+@-][^\d\s]""")


def parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), strict=True))


def holds_a_formula(name: str, cell: str) -> bool:
    """A defused formula start, or in a column the app leads, typed text that starts with one."""
    if cell[:1] == "'" and cell[1:].startswith(FORMULA_STARTS):
        return True
    return name in LED_BY_THE_APP and TYPED_FORMULA.search(cell) is not None


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.fixture
def hostile_data(app):
    """A poll, votes, comments, a moderation and a blocked word, all formula-led."""
    with app.app_context():
        create_poll(
            slug=SLUG,
            title="=title()",
            question="+question()",
            summary="@summary",
            choices=CHOICES,
            opens_at=utcnow().replace(year=2025),
            moderation_mode="pre",
        )
        moderators.add(MODERATOR, PASSWORD, "admin", utcnow())
        db.session.commit()
    for key, _ in CHOICES:
        reader = app.test_client()
        assert reader.post(f"/polls/{SLUG}/vote", data={"choice": key}).status_code == 302
    voter = app.test_client()
    assert voter.post(f"/polls/{SLUG}/vote", data={"choice": "-a"}).status_code == 302
    for body, name in [
        ("+cmd|' /C calc'!A0", "@SUM(1)"),
        ("=This is terrible, awful, hateful and stupid.", "=HYPERLINK(1)"),
        ("-2+3 is my answer", "-Ann"),
    ]:
        response = voter.post(f"/polls/{SLUG}/comments", data={"body": body, "display_name": name})
        assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        # Forms strip leading tabs and line breaks; a service takes them as given.
        poll = poll_by_slug(SLUG)
        post_comment(poll, "v" * 32, "\tTabbed body", "\tTabbed name", "", utcnow())
        post_comment(poll, "w" * 32, "\rCarriage body", "\rCarriage name", "", utcnow())
        # The tagger writes a side of the poll (one of its choice keys) as the stance.
        for comment in db.session.execute(db.select(Comment)).scalars():
            comment.stance = "=b"
        db.session.commit()
        comment_ids = list(db.session.execute(db.select(Comment.id).order_by(Comment.id)).scalars())
    admin = app.test_client()
    assert admin.post("/admin/login", data={"username": MODERATOR, "password": PASSWORD}).status_code == 302
    response = admin.post(
        f"/admin/comments/{comment_ids[0]}/moderate", data={"action": "reject", "reason": REASON}
    )
    assert response.status_code == 302
    assert admin.post(f"/admin/comments/{comment_ids[1]}/stance", data={"stance": "-a"}).status_code == 302
    assert admin.post("/admin/blocked-words", data={"phrase": BLOCKED_WORD}).status_code == 302
    with app.app_context():
        rejected = db.session.get(Comment, comment_ids[0])
        assert (rejected.status, rejected.moderated_by.username) == ("rejected", MODERATOR)
        assert db.session.get(Comment, comment_ids[1]).corrected_stance == "-a"
    # Its author appeals the rejection: the note and the reason both reach comments.csv.
    appeal = voter.post(f"/polls/{SLUG}/comments/{comment_ids[0]}/appeal", data={"note": "@appeal(1)"})
    assert appeal.status_code == 302, appeal.get_data(as_text=True)
    return admin


def downloads(app, admin, runner) -> dict[tuple[str, str], list[list[str]]]:
    """Every export kind, from the admin page and the CLI, for the poll and (where allowed) all polls."""
    found = {}
    for kind in export.KINDS:
        scopes = [{"poll": SLUG}] + ([] if kind == "tallies" else [{}])
        for scope in scopes:
            label = scope.get("poll", "all polls")
            response = admin.get(f"/admin/export/{kind}.csv", query_string=scope)
            assert response.status_code == 200, (kind, scope)
            found[(kind, f"web, {label}")] = parse(response.data)
            args = ["export", kind] + (["--poll", scope["poll"]] if scope else [])
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
            found[(kind, f"cli, {label}")] = parse(result.stdout_bytes)
    return found


def test_every_column_of_every_export_is_declared_once():
    for kind in export.KINDS:
        for name in export.HEADERS[kind]:
            declared = (name in csv_lines.PERSON_WRITTEN) + (name in csv_lines.MACHINE_WRITTEN)
            assert declared == 1, f"{kind}.{name}: declare it in PERSON_WRITTEN or MACHINE_WRITTEN"
    used = {name for kind in export.KINDS for name in export.HEADERS[kind]}
    assert used >= csv_lines.PERSON_WRITTEN, "a person-written name no export has"


def test_the_votes_fast_path_defuses_every_person_written_column():
    person_written = set(export.HEADERS["votes"]) & csv_lines.PERSON_WRITTEN
    assert person_written <= set(csv_lines.VOTE_COLUMNS_PER_CHOICE)


def test_no_export_lets_a_formula_through(app, runner, hostile_data):
    defused_columns, negative_numbers = set(), 0
    for (kind, source), table in downloads(app, hostile_data, runner).items():
        header, *rows = table
        assert header == export.HEADERS[kind], (kind, source)
        assert rows, f"{kind} ({source}) has no rows to check"
        for row in rows:
            assert len(row) == len(header)
            for name, cell in zip(header, row, strict=True):
                where = f"{kind}.{name} ({source}): {cell!r}"
                if name in csv_lines.PERSON_WRITTEN:
                    assert not cell.startswith(FORMULA_STARTS), where
                    if holds_a_formula(name, cell):
                        defused_columns.add(name)
                else:
                    assert not cell.startswith(FORMULA_STARTS) or is_number(cell), where
                    negative_numbers += name == "compound" and cell.startswith("-")
    # Each person-written column held a formula somewhere, so none passed for want of one.
    assert defused_columns == csv_lines.PERSON_WRITTEN
    assert negative_numbers, "a negative compound sentiment should stay a plain number"


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@a", "\tx", "\rx", "-0.4"])
def test_person_written_cells_are_defused_even_when_they_look_like_numbers(value):
    assert csv_lines.defuse(value) == "'" + value

"""CSV downloads from the admin pages and the same exports from the CLI."""

import csv
import io

import pytest

from poll.database.models import AuditEntry, Comment, Vote
from poll.extensions import db
from poll.voters.cookie import VOTER_COOKIE, read_voter_token
from poll.voters.pseudonyms import voter_id_for

KINDS = ("votes", "comments", "tallies", "audit")


def parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline=""), strict=True))


@pytest.fixture
def browser_tokens(app, debate_poll) -> list[str]:
    """Five browsers vote and comment; the tokens their voter cookies carry."""
    tokens = []
    for number, choice in enumerate(["military", "diplomacy", "diplomacy", "undecided", "diplomacy"]):
        client = app.test_client()
        client.post(f"/polls/{debate_poll}/vote", data={"choice": choice})
        client.post(
            f"/polls/{debate_poll}/comments", data={"body": f'=1+{number} Talks, "quoted",\nnew line'}
        )
        with app.app_context():
            tokens.append(read_voter_token(client.get_cookie(VOTER_COOKIE).value))
    return tokens


@pytest.fixture
def busy_poll(browser_tokens, debate_poll, make_comment):
    make_comment("@SUM(A1:A9) is not a formula here")
    return debate_poll


@pytest.mark.parametrize("kind", KINDS)
def test_anonymous_visitors_cannot_download(client, busy_poll, kind):
    response = client.get(f"/admin/export/{kind}.csv?poll={busy_poll}")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


@pytest.mark.parametrize("kind", KINDS)
def test_download_headers_and_audit_entry(app, moderator_client, busy_poll, kind):
    response = moderator_client.get(f"/admin/export/{kind}.csv?poll={busy_poll}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{busy_poll}-{kind}-20') and disposition.endswith(
        '.csv"'
    )
    assert response.is_streamed
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="export")).scalars().all()[-1]
        assert (entry.actor, entry.target_id, entry.after["poll"]) == ("mo", kind, busy_poll)


def test_row_counts_equal_the_database(app, moderator_client, busy_poll):
    with app.app_context():
        votes = db.session.scalar(db.select(db.func.count()).select_from(Vote))
        comments = db.session.scalar(db.select(db.func.count()).select_from(Comment))
    assert len(parse(moderator_client.get(f"/admin/export/votes.csv?poll={busy_poll}").data)) == votes + 1
    assert (
        len(parse(moderator_client.get(f"/admin/export/comments.csv?poll={busy_poll}").data)) == comments + 1
    )
    tallies = parse(moderator_client.get(f"/admin/export/tallies.csv?poll={busy_poll}").data)
    assert tallies[1:] == [
        ["military", "A stronger military response", "1", "20", "5"],
        ["diplomacy", "Diplomatic engagement", "3", "60", "5"],
        ["undecided", "Undecided", "1", "20", "5"],
    ]


def test_browser_tokens_are_in_no_export_and_not_in_the_database(
    app, moderator_client, busy_poll, browser_tokens
):
    votes = moderator_client.get(f"/admin/export/votes.csv?poll={busy_poll}").data.decode()
    comments = moderator_client.get(f"/admin/export/comments.csv?poll={busy_poll}").data.decode()
    with app.app_context():
        stored = set(db.session.execute(db.select(Vote.voter_id)).scalars())
        stored |= set(db.session.execute(db.select(Comment.voter_id)).scalars())
        voter_ids = {voter_id_for(token) for token in browser_tokens}
    assert len(set(browser_tokens)) == 5
    assert not any(token in votes or token in comments or token in stored for token in browser_tokens)
    vote_rows, comment_rows = parse(votes.encode()), parse(comments.encode())
    assert vote_rows[0] == [
        "vote_id",
        "poll",
        "choice_key",
        "choice_label",
        "voter",
        "created_at",
        "updated_at",
        "status",
    ]
    assert vote_rows[1][5].endswith("Z") and "T" in vote_rows[1][5]
    # Each browser has one pseudonym, the same in both files, so the two can be
    # joined; it is not the stored voter id (see tests/voters/test_pseudonyms.py).
    pseudonyms = {row[4] for row in vote_rows[1:]}
    assert len(pseudonyms) == 5 and not pseudonyms & voter_ids
    assert {row[4] for row in comment_rows[1:]} >= pseudonyms


def test_user_text_is_defused_everywhere(moderator_client, busy_poll):
    rows = parse(moderator_client.get(f"/admin/export/comments.csv?poll={busy_poll}").data)
    bodies = [row[6] for row in rows[1:]]
    assert all(body.startswith("'=") or body.startswith("'@") for body in bodies)
    assert '\'=1+0 Talks, "quoted",\nnew line' in bodies


def test_empty_poll_gives_only_the_header(moderator_client, make_poll):
    slug = make_poll("empty")
    for kind in ("votes", "comments"):
        assert len(parse(moderator_client.get(f"/admin/export/{kind}.csv?poll={slug}").data)) == 1
    assert parse(moderator_client.get(f"/admin/export/tallies.csv?poll={slug}").data)[1][2:] == [
        "0",
        "0",
        "0",
    ]


def test_date_filters(moderator_client, busy_poll):
    future = moderator_client.get(f"/admin/export/votes.csv?poll={busy_poll}&since=2999-01-01")
    assert len(parse(future.data)) == 1
    today = parse(moderator_client.get(f"/admin/export/votes.csv?poll={busy_poll}&until=2999-01-01").data)
    assert len(today) == 6
    tallies = parse(moderator_client.get(f"/admin/export/tallies.csv?poll={busy_poll}&until=2000-01-01").data)
    assert [row[2] for row in tallies[1:]] == ["0", "0", "0"]


def test_the_export_page_asks_for_the_bom_by_default(moderator_client):
    """Excel opens UTF-8 without a BOM in the local code page: Korean text and emoji come out garbled."""
    page = moderator_client.get("/admin/export").get_data(as_text=True)
    assert '<input type="checkbox" name="bom" value="1" checked>' in page


def test_bom_for_excel(moderator_client, busy_poll):
    assert moderator_client.get(f"/admin/export/votes.csv?poll={busy_poll}&bom=1").data.startswith(
        b"\xef\xbb\xbf"
    )
    assert not moderator_client.get(f"/admin/export/votes.csv?poll={busy_poll}").data.startswith(
        b"\xef\xbb\xbf"
    )


@pytest.mark.parametrize(
    "url, status, message",
    [
        ("/admin/export/passwords.csv", 404, "no &#39;passwords&#39; export"),
        ("/admin/export/tallies.csv", 400, "please choose a poll"),
        ("/admin/export/votes.csv?poll=nope", 400, "no poll called"),
        ("/admin/export/votes.csv?since=2026-02-30", 400, "like 2026-11-25"),
        ("/admin/export/votes.csv?since=2026-02-02&until=2026-02-01", 400, "after the start"),
        ("/admin/export/votes.csv?poll=%27%20OR%201%3D1--", 400, "no poll called"),
    ],
)
def test_bad_export_requests_are_clear_4xx(app, moderator_client, busy_poll, url, status, message):
    response = moderator_client.get(url)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.execute(db.select(AuditEntry).filter_by(action="export")).scalars().all()


@pytest.mark.parametrize("kind", ["votes", "comments", "tallies"])
def test_cli_output_is_identical_to_the_web_download(app, runner, moderator_client, busy_poll, kind):
    web = moderator_client.get(f"/admin/export/{kind}.csv?poll={busy_poll}").data
    cli = runner.invoke(args=["export", kind, "--poll", busy_poll])
    assert cli.exit_code == 0
    assert cli.stdout_bytes == web


def test_cli_writes_a_file_and_audits(app, runner, busy_poll, tmp_path):
    target = tmp_path / "votes.csv"
    result = runner.invoke(args=["export", "votes", "--poll", busy_poll, "-o", str(target), "--bom"])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"\xef\xbb\xbfvote_id")
    assert not (tmp_path / "votes.csv.partial").exists()
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="export")).scalar_one()
        assert entry.actor == "command line" and entry.after["kind"] == "votes"


@pytest.mark.parametrize(
    "args, message",
    [
        (["export", "secrets"], "Invalid value for '{votes|comments|tallies|audit}'"),
        (["export", "tallies"], "please choose a poll"),
        (["export", "votes", "--poll", "nope"], "no poll with slug 'nope'"),
        (["export", "votes", "--since", "soon"], "--since must be a date"),
        (["export", "votes", "-o", "/nonexistent-dir/x.csv"], "Could not write"),
    ],
)
def test_cli_bad_input(runner, busy_poll, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output

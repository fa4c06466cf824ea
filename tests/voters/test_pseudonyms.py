"""Issue 13, finding 7: exports show a per-poll voter pseudonym, so one reader
cannot be followed from poll to poll through exports."""

import csv
import io

import pytest

from poll.database.models import Comment, Vote
from poll.extensions import db


def parse(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.fixture
def two_polls(app, make_poll):
    """One reader votes and comments in two polls; a second reader in the first only."""
    first, second = make_poll("first-poll"), make_poll("second-poll")
    reader, other = app.test_client(), app.test_client()
    for slug in (first, second):
        assert reader.post(f"/polls/{slug}/vote", data={"choice": "a"}).status_code == 302
        assert reader.post(f"/polls/{slug}/comments", data={"body": "Talks first."}).status_code == 302
        # A change of mind keeps the reader's one vote (and pseudonym) in the poll.
        assert reader.post(f"/polls/{slug}/vote", data={"choice": "b"}).status_code == 302
    assert other.post(f"/polls/{first}/vote", data={"choice": "c"}).status_code == 302
    assert other.post(f"/polls/{first}/comments", data={"body": "Strength first."}).status_code == 302
    return first, second


def download(client, kind: str, slug: str | None = None) -> bytes:
    query = f"?poll={slug}" if slug else ""
    response = client.get(f"/admin/export/{kind}.csv{query}")
    assert response.status_code == 200
    return response.data


def voters_by_poll(rows: list[dict[str, str]]) -> dict[str, list[str]]:
    by_poll: dict[str, list[str]] = {}
    for row in rows:
        by_poll.setdefault(row["poll"], []).append(row["voter"])
    return by_poll


def test_one_reader_has_a_different_pseudonym_in_each_poll(moderator_client, two_polls):
    first, second = two_polls
    for kind in ("votes", "comments"):
        by_poll = voters_by_poll(parse(download(moderator_client, kind)))
        assert len(by_poll[first]) == 2 and len(set(by_poll[first])) == 2
        assert len(by_poll[second]) == 1
        # The only reader in the second poll is the one who also voted in the first.
        assert not set(by_poll[second]) & set(by_poll[first])


def test_votes_and_comments_agree_within_a_poll(moderator_client, two_polls):
    for slug in two_polls:
        votes = parse(download(moderator_client, "votes", slug))
        comments = parse(download(moderator_client, "comments", slug))
        assert {row["voter"] for row in votes} == {row["voter"] for row in comments}
        assert [row["choice_key"] for row in votes if row["voter"] == comments[0]["voter"]] in (["b"], ["c"])


def test_per_poll_and_all_poll_exports_show_the_same_pseudonyms(moderator_client, two_polls):
    for kind in ("votes", "comments"):
        everything = voters_by_poll(parse(download(moderator_client, kind)))
        for slug in two_polls:
            assert voters_by_poll(parse(download(moderator_client, kind, slug))) == {slug: everything[slug]}


def test_stored_voter_ids_appear_in_no_export(app, moderator_client, runner, two_polls):
    with app.app_context():
        stored = set(db.session.scalars(db.select(Vote.voter_id)))
        stored |= set(db.session.scalars(db.select(Comment.voter_id)))
    assert len(stored) == 2
    files = [download(moderator_client, kind, slug) for kind in ("votes", "comments") for slug in two_polls]
    files += [download(moderator_client, kind) for kind in ("votes", "comments", "audit")]
    files += [runner.invoke(args=["export", kind]).stdout_bytes for kind in ("votes", "comments")]
    for data in files:
        text = data.decode("utf-8")
        assert text.count("\n") > 1
        assert not any(voter_id in text for voter_id in stored)
        assert not any(voter_id[:12] in text for voter_id in stored)


def test_pseudonyms_are_stable_between_exports(moderator_client, runner, two_polls):
    first, _ = two_polls
    download_rows = parse(download(moderator_client, "votes", first))
    cli_rows = parse(runner.invoke(args=["export", "votes", "--poll", first]).stdout_bytes)
    assert [row["voter"] for row in download_rows] == [row["voter"] for row in cli_rows]
    assert all(len(row["voter"]) == 32 for row in cli_rows)

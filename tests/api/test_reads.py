"""The API's reads: polls, a poll, its results over time, comments with their tags and cursor paging."""

from datetime import UTC, datetime

import pytest

from poll.database.models import COMMENT_APPROVED, COMMENT_FLAGGED, COMMENT_REJECTED, Vote
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from tests.api.conftest import bearer


def get(client, key, path, **query):
    return client.get(path, headers=bearer(key), query_string=query)


def test_polls_are_listed(client, read_key, make_poll):
    make_poll("first-poll", title="First")
    make_poll("second-poll", title="Second")
    response = get(client, read_key, "/api/v1/polls")
    assert response.status_code == 200
    polls = response.get_json()["polls"]
    assert {poll["slug"] for poll in polls} == {"first-poll", "second-poll"}
    first = next(poll for poll in polls if poll["slug"] == "first-poll")
    assert first["title"] == "First" and first["is_open"] is True
    assert [choice["key"] for choice in first["choices"]] == ["a", "b", "c"]


def test_one_poll_and_a_missing_one(client, read_key, make_poll):
    make_poll()
    assert get(client, read_key, "/api/v1/polls/test-poll").get_json()["question"] == "Which one?"
    missing = get(client, read_key, "/api/v1/polls/no-such-poll")
    assert missing.status_code == 404 and missing.get_json()["code"] == 404


def test_results_with_totals_over_time(app, client, read_key, make_poll):
    make_poll()
    with app.app_context():
        poll = poll_by_slug("test-poll")
        for voter, key, day in (("v1", "a", 1), ("v2", "a", 2), ("v3", "b", 2)):
            choice = poll.choice_by_key(key)
            db.session.add(
                Vote(
                    poll_id=poll.id,
                    choice_id=choice.id,
                    voter_id=voter,
                    created_at=datetime(2026, 12, day, tzinfo=UTC),
                )
            )
        db.session.commit()
    # The counters are the votes' own (poll.polls.voting keeps them); here only the series is read from votes.
    body = get(client, read_key, "/api/v1/polls/test-poll/results").get_json()
    assert [choice["key"] for choice in body["choices"]] == ["a", "b", "c"]
    # The poll page's series (poll.polls.timeline): votes a day apart are counted hour by hour.
    series = body["series"]
    assert series["step"] == "hour" and len(series["points"]) == 25
    assert series["points"][0] == {
        "starts_at": "2026-12-01T00:00:00+00:00",
        "totals": {"a": 1, "b": 0, "c": 0},
        "total": 1,
    }
    assert series["points"][-1] == {
        "starts_at": "2026-12-02T00:00:00+00:00",
        "totals": {"a": 2, "b": 1, "c": 0},
        "total": 3,
    }


def test_results_count_real_votes(client, read_key, make_poll):
    make_poll()
    voter = client.application.test_client()
    assert voter.post("/polls/test-poll/vote", data={"choice": "b"}).status_code in (302, 303)
    body = get(client, read_key, "/api/v1/polls/test-poll/results").get_json()
    assert body["total"] == 1
    assert {choice["key"]: choice["votes"] for choice in body["choices"]} == {"a": 0, "b": 1, "c": 0}
    assert body["series"]["points"][-1]["totals"]["b"] == 1


def test_comments_carry_tags_status_and_flags(client, read_key, make_comment, debate_poll):
    comment_id = make_comment("Diplomacy is the only way out of this.")
    page = get(client, read_key, "/api/v1/comments").get_json()
    (comment,) = page["comments"]
    assert comment["id"] == comment_id and comment["status"] == "pending" and page["next_cursor"] is None
    assert comment["poll"] == debate_poll
    assert set(comment["tags"]) >= {"stance", "sentiment", "incivility", "language", "effective_stance"}
    assert isinstance(comment["flags"], list)
    assert get(client, read_key, f"/api/v1/comments/{comment_id}").get_json()["id"] == comment_id
    assert get(client, read_key, "/api/v1/comments/999999").status_code == 404


def test_comment_filters_are_the_queues(client, read_key, make_comment, make_poll):
    make_poll("other-poll")
    elsewhere = make_comment("A comment in another poll.", slug="other-poll", status=COMMENT_APPROVED)
    pending = make_comment("Still waiting for a decision.")
    approved = make_comment("Already approved comment.", status=COMMENT_APPROVED)
    flagged = make_comment("Flagged for a second look.", status=COMMENT_FLAGGED)
    rejected = make_comment("Rejected already.", status=COMMENT_REJECTED)

    def ids(**query):
        response = get(client, read_key, "/api/v1/comments", **query)
        assert response.status_code == 200, response.get_json()
        return {comment["id"] for comment in response.get_json()["comments"]}

    assert ids() == {pending, flagged}
    assert ids(status="any") == {pending, approved, flagged, rejected, elsewhere}
    assert ids(status="rejected") == {rejected}
    assert ids(status="any", text="approved") == {approved}
    assert ids(status="any", poll="other-poll") == {elsewhere}


def test_an_unknown_poll_filter_is_404(client, read_key):
    assert get(client, read_key, "/api/v1/comments", poll="no-such-poll").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "sideways"}, "status"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"cursor": "not-ours"}, "cursor"),
        ({"cursor": "YmVmb3JlOng"}, "cursor"),
        ({"text": "x" * 201}, "text"),
    ],
)
def test_bad_filters_are_422_beside_the_field(client, read_key, query, field):
    response = get(client, read_key, "/api/v1/comments", **query)
    assert response.status_code == 422
    body = response.get_json()
    assert list(body["errors"]) == [field] and body["errors"][field][0]


def test_cursor_paging_is_stable_while_comments_arrive(client, read_key, make_comment):
    first_ids = [make_comment(f"Comment number {n} on the talks.") for n in range(5)]
    page = get(client, read_key, "/api/v1/comments", limit=2).get_json()
    assert [c["id"] for c in page["comments"]] == first_ids[::-1][:2]
    newer = make_comment("A comment posted while paging.")
    seen = [c["id"] for c in page["comments"]]
    cursor = page["next_cursor"]
    while cursor:
        page = get(client, read_key, "/api/v1/comments", limit=2, cursor=cursor).get_json()
        seen += [c["id"] for c in page["comments"]]
        cursor = page["next_cursor"]
    assert seen == first_ids[::-1]  # each once, none skipped, the newer one not slipped in
    assert newer in {c["id"] for c in get(client, read_key, "/api/v1/comments").get_json()["comments"]}


def test_results_read_the_series_through_the_poll_pages_cache(app, client, read_key, make_poll, monkeypatch):
    """A results board polling the API every few seconds costs one series read per new tally, as the poll
    page does (poll.polls.timeline.SeriesCache), not a GROUP BY over every vote on every call."""
    from poll.polls import timeline

    make_poll()
    reads = []
    real = timeline.tally_series
    monkeypatch.setattr(timeline, "tally_series", lambda poll: reads.append(poll.slug) or real(poll))
    for _ in range(3):
        assert get(client, read_key, "/api/v1/polls/test-poll/results").status_code == 200
    assert reads == ["test-poll"]
    voter = client.application.test_client()
    assert voter.post("/polls/test-poll/vote", data={"choice": "a"}).status_code in (302, 303)
    body = get(client, read_key, "/api/v1/polls/test-poll/results").get_json()
    assert body["total"] == 1
    # A new tally within REFRESH_AFTER of the last read is still drawn from the kept series (as on the page).
    assert reads == ["test-poll"]


@pytest.mark.parametrize(("visibility", "public"), [("always", True), ("after_vote", False)])
def test_results_say_whether_readers_may_see_them_yet(app, client, read_key, make_poll, visibility, public):
    make_poll()
    with app.app_context():
        poll_by_slug("test-poll").results_visibility = visibility
        db.session.commit()
    assert get(client, read_key, "/api/v1/polls/test-poll/results").get_json()["results_public"] is public

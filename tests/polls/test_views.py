"""The public poll page, voting and results."""

from datetime import timedelta

import pytest

from poll.database.column_types import utcnow
from poll.database.models import RESULTS_ALWAYS
from poll.polls.debate_poll import DEBATE_POLL
from poll.voters.cookie import VOTER_COOKIE
from tests.conftest import csrf_token_from, make_app
from tests.helpers import counted_from_votes, counters, vote_rows


def vote(client, slug, choice, **kwargs):
    return client.post(f"/polls/{slug}/vote", data={"choice": choice}, **kwargs)


def test_front_page_shows_featured_poll_summary_question_and_choices(client, debate_poll):
    page = client.get("/").get_data(as_text=True)
    assert DEBATE_POLL["title"].replace("'", "&#39;") in page
    assert DEBATE_POLL["question"] in page
    assert "12,000 North Korean soldiers" in page
    for key, label in DEBATE_POLL["choices"]:
        assert f'value="{key}"' in page
        assert label in page
    assert "<fieldset" in page and "<legend" in page


def test_front_page_without_any_poll_says_so(client):
    response = client.get("/")
    assert response.status_code == 404
    assert "No poll is running yet" in response.get_data(as_text=True)


def test_poll_lives_at_its_slug(client, debate_poll):
    response = client.get(f"/polls/{debate_poll}")
    assert response.status_code == 200
    assert DEBATE_POLL["question"] in response.get_data(as_text=True)


def test_vote_is_counted_and_results_mark_my_choice(app, client, debate_poll):
    response = vote(client, debate_poll, "diplomacy")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/polls/{debate_poll}#results")
    assert [key for _, key in vote_rows(app, debate_poll)] == ["diplomacy"]
    assert counters(app, debate_poll) == {"military": 0, "diplomacy": 1, "undecided": 0}

    page = client.get(f"/polls/{debate_poll}").get_data(as_text=True)
    assert "Thank you: your vote is counted." in page
    assert "Results so far" in page
    assert "result result--mine" in page
    assert "100%" in page
    assert "Change my vote" in page


def test_voting_again_changes_the_vote_and_counts_it_once(app, client, debate_poll):
    vote(client, debate_poll, "military")
    vote(client, debate_poll, "diplomacy")
    rows = vote_rows(app, debate_poll)
    assert [key for _, key in rows] == ["diplomacy"]
    assert counters(app, debate_poll) == {"military": 0, "diplomacy": 1, "undecided": 0}
    page = client.get(f"/polls/{debate_poll}").get_data(as_text=True)
    assert "Your vote has been changed." in page


def test_same_vote_twice_is_unchanged(app, client, debate_poll):
    vote(client, debate_poll, "undecided")
    vote(client, debate_poll, "undecided")
    assert counters(app, debate_poll) == {"military": 0, "diplomacy": 0, "undecided": 1}
    assert "already your answer" in client.get(f"/polls/{debate_poll}").get_data(as_text=True)


def test_each_browser_gets_its_own_vote(app, debate_poll):
    for choice in ("military", "military", "diplomacy"):
        vote(app.test_client(), debate_poll, choice)
    assert counters(app, debate_poll) == {"military": 2, "diplomacy": 1, "undecided": 0}
    assert counters(app, debate_poll) == counted_from_votes(app, debate_poll)


def test_voter_cookie_is_signed_long_lived_and_httponly(client, debate_poll):
    response = vote(client, debate_poll, "military")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(VOTER_COOKIE + "="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Max-Age=31536000" in cookie


def test_forged_voter_cookie_is_ignored_and_a_new_id_issued(app, client, debate_poll):
    vote(client, debate_poll, "military")
    client.set_cookie(VOTER_COOKIE, "forged-value.not-signed")
    response = vote(client, debate_poll, "diplomacy")
    assert any(c.startswith(VOTER_COOKIE + "=") for c in response.headers.getlist("Set-Cookie"))
    assert sorted(key for _, key in vote_rows(app, debate_poll)) == ["diplomacy", "military"]


def test_results_hidden_until_voting_by_default(client, debate_poll):
    page = client.get(f"/polls/{debate_poll}").get_data(as_text=True)
    assert "Results so far" not in page
    assert "Results appear here once you have voted." in page
    assert client.get(f"/polls/{debate_poll}/results.json").status_code == 403


def test_results_visible_before_voting_when_poll_allows(client, make_poll):
    slug = make_poll(results_visibility=RESULTS_ALWAYS)
    page = client.get(f"/polls/{slug}").get_data(as_text=True)
    assert "Results so far" in page


def test_closed_poll_shows_final_results_and_refuses_votes(app, client, make_poll):
    slug = make_poll(closes_at=utcnow() - timedelta(minutes=1))
    page = client.get(f"/polls/{slug}").get_data(as_text=True)
    assert "Final results" in page
    assert "no longer takes votes" in page
    assert "<form" not in page
    response = vote(client, slug, "a")
    assert response.status_code == 403
    assert "This poll has closed" in response.get_data(as_text=True)
    assert vote_rows(app, slug) == []


def test_poll_not_open_yet_refuses_votes(app, client, make_poll):
    slug = make_poll(opens_at=utcnow() + timedelta(days=1))
    assert "This poll opens" in client.get(f"/polls/{slug}").get_data(as_text=True)
    response = vote(client, slug, "a")
    assert response.status_code == 403
    assert "not open yet" in response.get_data(as_text=True)
    assert vote_rows(app, slug) == []


def test_vote_after_closing_keeps_the_earlier_vote(app, client, make_poll):
    slug = make_poll()
    vote(client, slug, "a")
    from poll.extensions import db
    from poll.polls.finding import poll_by_slug

    with app.app_context():
        poll_by_slug(slug).closes_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert vote(client, slug, "b").status_code == 403
    assert [key for _, key in vote_rows(app, slug)] == ["a"]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"choice": ""},
        {"choice": "bogus"},
        {"choice": "a" * 10_000},
        {"choice": "<script>alert(1)</script>"},
        {"choice": "diplomacy' OR 1=1 --"},
        {"choice": ["military", "diplomacy"]},
    ],
    ids=["missing", "empty", "unknown", "huge", "script", "sql", "two-choices"],
)
def test_bad_choice_gets_a_clear_400_and_stores_nothing(app, client, debate_poll, data):
    vote(client, debate_poll, "undecided")
    response = client.post(f"/polls/{debate_poll}/vote", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in page
    assert any(text in page for text in ("Please choose", "Not a valid choice", "only once"))
    assert [key for _, key in vote_rows(app, debate_poll)] == ["undecided"]


def test_choice_of_another_poll_is_rejected(app, client, debate_poll, make_poll):
    make_poll(slug="other", choices=[("x", "X"), ("y", "Y")])
    response = vote(client, debate_poll, "x")
    assert response.status_code == 400
    assert vote_rows(app, debate_poll) == []


def test_unknown_poll_is_404(client):
    for response in (client.get("/polls/nope"), vote(client, "nope", "a")):
        assert response.status_code == 404
        assert "There is no poll at this address" in response.get_data(as_text=True)


def test_wrong_method_is_405_with_allow_header(client, debate_poll):
    response = client.get(f"/polls/{debate_poll}/vote")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert client.delete(f"/polls/{debate_poll}").status_code == 405


def test_oversized_body_is_413_and_stores_nothing(app, client, debate_poll):
    response = client.post(
        f"/polls/{debate_poll}/vote", data={"choice": "military", "padding": "x" * 200_000}
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert vote_rows(app, debate_poll) == []


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_vote_with_token_from_the_page_is_counted(self, app, client, debate_poll):
        token = csrf_token_from(client.get(f"/polls/{debate_poll}").get_data(as_text=True))
        response = client.post(f"/polls/{debate_poll}/vote", data={"choice": "military", "csrf_token": token})
        assert response.status_code == 302
        assert [key for _, key in vote_rows(app, debate_poll)] == ["military"]

    @pytest.mark.parametrize(
        "token", [None, "", "forged-token", "IjAwMDAi.AAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA"]
    )
    def test_missing_or_forged_token_is_refused_and_stores_nothing(self, app, client, debate_poll, token):
        client.get(f"/polls/{debate_poll}")
        data = {"choice": "military"}
        if token is not None:
            data["csrf_token"] = token
        response = client.post(f"/polls/{debate_poll}/vote", data=data)
        assert response.status_code == 400
        assert "reload the page" in response.get_data(as_text=True)
        assert vote_rows(app, debate_poll) == []

    def test_token_from_another_browser_is_refused(self, app, debate_poll):
        token = csrf_token_from(app.test_client().get(f"/polls/{debate_poll}").get_data(as_text=True))
        response = app.test_client().post(
            f"/polls/{debate_poll}/vote", data={"choice": "military", "csrf_token": token}
        )
        assert response.status_code == 400
        assert vote_rows(app, debate_poll) == []


def test_page_escapes_poll_text(client, make_poll):
    slug = make_poll(title="<b>bold</b>", question="<script>x()</script>?", summary="<img src=x onerror=y>")
    page = client.get(f"/polls/{slug}").get_data(as_text=True)
    assert "<script>x()</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page


def test_secure_cookie_flags_under_https(database_url, debate_poll):
    """Served over HTTPS, every cookie a reader gets is Secure, HttpOnly and SameSite=Lax."""
    client = make_app(database_url, environ={"HTTPS": "1"}).test_client()
    page = client.get(f"/polls/{debate_poll}", base_url="https://localhost")
    voted = client.post(
        f"/polls/{debate_poll}/vote", data={"choice": "diplomacy"}, base_url="https://localhost"
    )
    assert voted.status_code == 302
    cookies = page.headers.getlist("Set-Cookie") + voted.headers.getlist("Set-Cookie")
    assert {cookie.split("=", 1)[0] for cookie in cookies} >= {"session", "voter"}
    for cookie in cookies:
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie

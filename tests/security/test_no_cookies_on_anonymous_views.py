"""Finding 13: every anonymous page view set a session cookie and a
``remember_token`` deletion. Cookies are now set only when something needs
them: a form's CSRF token (once, on the first page that shows a form) and the
voter cookie (on the first vote)."""

import pytest

from poll.database.models import RESULTS_ALWAYS
from tests.conftest import csrf_token_from


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def cookies_set(response) -> list[str]:
    return [header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")]


def test_a_page_without_a_form_sets_no_cookie(client, make_poll):
    slug = make_poll(results_visibility=RESULTS_ALWAYS)
    for url in (f"/polls/{slug}/results.json", "/static/css/site.css", "/no-such-page", "/polls/missing"):
        assert cookies_set(client.get(url)) == [], url


def test_the_first_form_sets_the_session_once_and_never_a_remember_cookie(client, debate_poll):
    first = client.get(f"/polls/{debate_poll}")
    assert cookies_set(first) == ["session"]
    for url in ("/", f"/polls/{debate_poll}", f"/polls/{debate_poll}/debate", "/admin/login"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert cookies_set(response) == [], url


def test_voting_sets_the_voter_cookie_and_the_vote_counts(client, debate_poll):
    page = client.get(f"/polls/{debate_poll}").get_data(as_text=True)
    voted = client.post(
        f"/polls/{debate_poll}/vote", data={"choice": "military", "csrf_token": csrf_token_from(page)}
    )
    assert voted.status_code == 302
    assert "voter" in cookies_set(voted)
    assert "remember_token" not in cookies_set(voted)
    assert client.get(f"/polls/{debate_poll}/results.json").json["my_choice"] == "military"

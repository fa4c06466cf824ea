"""JSON results: the api blueprint of the one app, with no session and headers for data."""

import pytest
from flask import session, url_for
from flask.sessions import NullSession

from poll.database.column_types import utcnow
from poll.database.models import RESULTS_ALWAYS, Poll
from poll.extensions import db
from poll.web.frame_cookies import is_api_path
from tests.conftest import make_app
from tests.helpers import counted_from_votes


def test_results_json_gives_the_same_tallies_as_the_votes(app, debate_poll):
    for choice in ("military", "diplomacy", "diplomacy", "undecided"):
        app.test_client().post(f"/polls/{debate_poll}/vote", data={"choice": choice})
    client = app.test_client()
    client.post(f"/polls/{debate_poll}/vote", data={"choice": "diplomacy"})
    body = client.get(f"/polls/{debate_poll}/results.json").get_json()
    assert body["total"] == 5
    assert body["my_choice"] == "diplomacy"
    assert body["is_open"] is True
    assert {row["key"]: row["votes"] for row in body["choices"]} == counted_from_votes(app, debate_poll)
    assert [row["percent"] for row in body["choices"]] == [20, 60, 20]


def test_results_json_hidden_before_voting_gives_json_error(client, debate_poll):
    response = client.get(f"/polls/{debate_poll}/results.json")
    assert response.status_code == 403
    assert response.is_json
    assert "once you have voted" in response.get_json()["message"]


def test_results_json_open_when_poll_shows_results_always(client, make_poll):
    slug = make_poll(results_visibility=RESULTS_ALWAYS)
    body = client.get(f"/polls/{slug}/results.json").get_json()
    assert body["total"] == 0 and body["my_choice"] is None


def test_results_json_unknown_poll_is_json_404(client):
    response = client.get("/polls/none/results.json")
    assert response.status_code == 404
    assert response.is_json


def test_results_json_sends_security_headers_for_data(client, make_poll):
    slug = make_poll(results_visibility=RESULTS_ALWAYS)
    response = client.get(f"/polls/{slug}/results.json")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers
    assert "Set-Cookie" not in response.headers


def test_results_json_in_production_is_https_only(database_url, make_poll):
    slug = make_poll(results_visibility=RESULTS_ALWAYS)
    client = make_app(database_url, environ={"HTTPS": "1"}).test_client()
    plain = client.get(f"/polls/{slug}/results.json", base_url="http://localhost")
    assert plain.status_code == 302 and plain.headers["Location"].startswith("https://")
    secure = client.get(f"/polls/{slug}/results.json", base_url="https://localhost")
    assert secure.status_code == 200 and "max-age=" in secure.headers["Strict-Transport-Security"]


def test_results_json_behind_a_proxy_trusts_its_scheme(database_url, make_poll):
    slug = make_poll(results_visibility=RESULTS_ALWAYS)
    client = make_app(database_url, environ={"HTTPS": "1"}, PROXY_COUNT=1).test_client()
    response = client.get(
        f"/polls/{slug}/results.json", base_url="http://localhost", headers={"X-Forwarded-Proto": "https"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "method, url, status, message",
    [
        ("GET", "/polls/%00/results.json", 400, "Null characters are not allowed"),
        ("GET", "/polls/x/results.json?a=%00", 400, "Null characters are not allowed"),
        ("POST", "/polls/x/results.json", 405, "does not accept that kind of request"),
        ("GET", "/polls/x/y/results.json", 404, "nothing at this address"),
        ("GET", "/nothing.json", 404, "nothing at this address"),
    ],
)
def test_bad_json_requests_get_clear_json_errors(client, method, url, status, message):
    response = client.open(url, method=method)
    assert response.status_code == status
    assert message in response.get_json()["message"]


def test_static_files_stay_with_the_pages_whatever_their_name(client):
    """Told apart by their policies: data gets default-src 'none', pages 'self'."""
    static = client.get("/static/no-such-file.json")
    data = client.get("/polls/no-such-poll/results.json")
    assert static.status_code == data.status_code == 404
    assert "default-src 'self'" in static.headers["Content-Security-Policy"]
    assert "default-src 'none'" in data.headers["Content-Security-Policy"]


def test_results_json_answers_304_until_a_vote_changes_the_tally(app, debate_poll):
    client = app.test_client()
    client.post(f"/polls/{debate_poll}/vote", data={"choice": "military"})
    first = client.get(f"/polls/{debate_poll}/results.json")
    etag = first.headers["ETag"]
    again = client.get(f"/polls/{debate_poll}/results.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    app.test_client().post(f"/polls/{debate_poll}/vote", data={"choice": "diplomacy"})
    changed = client.get(f"/polls/{debate_poll}/results.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["total"] == 2


def test_tally_json_is_public_cacheable_and_reads_no_cookie(client, make_poll):
    slug = make_poll(results_visibility=RESULTS_ALWAYS)
    client.post(f"/polls/{slug}/vote", data={"choice": "a"})
    response = client.get(f"/polls/{slug}/tally.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=2, stale-while-revalidate=30"
    assert "Cookie" not in response.headers.get("Vary", "") and "Set-Cookie" not in response.headers
    body = response.get_json()
    assert body["total"] == 1 and "my_choice" not in body
    assert (
        client.get(
            f"/polls/{slug}/tally.json", headers={"If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )


def test_tally_json_is_refused_while_results_are_hidden_and_served_once_closed(app, client, debate_poll):
    client.post(f"/polls/{debate_poll}/vote", data={"choice": "military"})
    refused = client.get(f"/polls/{debate_poll}/tally.json")
    assert refused.status_code == 403 and refused.is_json
    assert client.get(f"/polls/{debate_poll}/results.json").status_code == 200  # the voter's own view
    with app.app_context():
        db.session.execute(db.select(Poll).filter_by(slug=debate_poll)).scalar_one().closes_at = utcnow()
        db.session.commit()
    assert app.test_client().get(f"/polls/{debate_poll}/tally.json").get_json()["total"] == 1


def test_tally_json_unknown_poll_is_json_404(client):
    response = client.get("/polls/none/tally.json")
    assert response.status_code == 404 and response.is_json


def test_the_session_is_skipped_on_exactly_the_api_blueprints_paths(app):
    """The session is chosen by path before routing: every api route, and no other, is recognised."""
    for rule in app.url_map.iter_rules():
        sample = rule.rule.replace("<slug>", "a-poll").replace("<path:filename>", "site.css")
        sample = sample.replace("<int:comment_id>", "7").replace("<int:reason_id>", "7")
        assert is_api_path(sample) == (rule.endpoint.split(".")[0] == "api"), rule.rule
    assert not is_api_path("/polls/a-poll/debate/results.json")
    assert not is_api_path("/static/results.json")


def test_api_requests_get_a_null_session_and_pages_a_real_one(app):
    with app.test_request_context("/polls/a-poll/results.json"):
        assert isinstance(session._get_current_object(), NullSession)
    with app.test_request_context("/polls/a-poll"):
        assert not isinstance(session._get_current_object(), NullSession)


def test_a_session_cookie_sent_to_results_json_is_neither_read_nor_rewritten(app, client, make_poll):
    slug = make_poll(results_visibility=RESULTS_ALWAYS)
    client.get(f"/polls/{slug}")  # a page, which may start a session
    client.set_cookie("session", "not-even-signed")
    response = client.get(f"/polls/{slug}/results.json")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_json_urls_are_built_by_url_for(app):
    with app.test_request_context():
        assert url_for("api.results", slug="a b") == "/polls/a%20b/results.json"
        assert url_for("api.frame_results", slug="x") == "/polls/x/embed/results.json"
        assert url_for("api.tally", slug="x") == "/polls/x/tally.json"


def test_per_view_headers_follow_each_apps_settings(database_url, make_poll):
    """Flask-Talisman 1.1.0 kept the first app's settings on decorated views;
    poll.extensions.PerAppTalisman reads them fresh. (The extension object
    holds one set of settings, the latest app's: each app is used here as soon
    as it is made, as a served process has one app.)"""
    slug = make_poll(results_visibility=RESULTS_ALWAYS)
    for path in (f"/polls/{slug}/results.json", f"/polls/{slug}/embed"):
        assert make_app(database_url).test_client().get(path).status_code == 200
        https_client = make_app(database_url, environ={"HTTPS": "1"}).test_client()
        assert https_client.get(path, base_url="http://localhost").status_code == 302

"""Security headers, client addresses behind proxies, ballot stuffing, a busy database."""

import re
import sqlite3

import pytest

from tests.conftest import TEST_DATABASE_URL, make_app
from tests.helpers import vote_rows

PAGES = [
    "/",
    "/polls/north-korea-missile-response",
    "/polls/north-korea-missile-response/debate",
    "/admin/login",
]
# The embed card is framed, so its headers differ (tests/polls/test_embed.py), but it carries no inline code either.
PAGES_AND_CARD = [*PAGES, "/polls/north-korea-missile-response/embed"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_strict_security_headers(client, debate_poll, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.parametrize("url", PAGES_AND_CARD)
def test_pages_carry_no_inline_script_or_handlers(client, debate_poll, url):
    page = client.get(url).get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"\son[a-z]+\s*=", page)
    assert 'style="' not in page


def test_production_forces_https_with_hsts_and_secure_cookies(database_url, debate_poll):
    app = make_app(database_url, environ={"HTTPS": "1"})
    client = app.test_client()
    plain = client.get("/", base_url="http://localhost")
    assert plain.status_code == 302 and plain.headers["Location"].startswith("https://")
    secure = client.get("/", base_url="https://localhost")
    assert "max-age=" in secure.headers["Strict-Transport-Security"]
    voted = client.post(
        f"/polls/{debate_poll}/vote", data={"choice": "military"}, base_url="https://localhost"
    )
    assert all("Secure" in cookie for cookie in voted.headers.getlist("Set-Cookie"))


class TestBallotStuffing:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "VOTE_LIMIT_PER_IP": "3 per minute", "PROXY_COUNT": 1}

    def vote_from(self, app, slug, address):
        return app.test_client().post(
            f"/polls/{slug}/vote", data={"choice": "military"}, headers={"X-Forwarded-For": address}
        )

    def test_votes_per_address_are_limited_using_the_proxys_client_address(self, app, debate_poll):
        statuses = [self.vote_from(app, debate_poll, "198.51.100.7").status_code for _ in range(4)]
        assert statuses == [302, 302, 302, 429]
        assert self.vote_from(app, debate_poll, "198.51.100.8").status_code == 302
        assert len(vote_rows(app, debate_poll)) == 4

    def test_forwarded_header_is_ignored_without_a_configured_proxy(self, database_url, debate_poll):
        app = make_app(database_url, RATELIMIT_ENABLED=True, VOTE_LIMIT_PER_IP="3 per minute", PROXY_COUNT=0)
        statuses = [
            app.test_client()
            .post(
                f"/polls/{debate_poll}/vote",
                data={"choice": "military"},
                headers={"X-Forwarded-For": f"203.0.113.{n}"},
            )
            .status_code
            for n in range(4)
        ]
        assert statuses == [302, 302, 302, 429]


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="holds a SQLite write lock")
def test_locked_database_answers_503_with_retry_after_and_stores_nothing(tmp_path, debate_poll, database_url):
    app = make_app(database_url, SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.2}})
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = app.test_client().post(f"/polls/{debate_poll}/vote", data={"choice": "military"})
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2"
        assert "try again in a moment" in response.get_data(as_text=True)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert vote_rows(app, debate_poll) == []
    assert (
        app.test_client().post(f"/polls/{debate_poll}/vote", data={"choice": "military"}).status_code == 302
    )


@pytest.mark.parametrize(
    "method, url, data",
    [
        ("GET", "/polls/%00", None),
        ("GET", "/admin/login?next=%00", None),
        ("GET", "/polls/north-korea-missile-response/debate?page=1%00", None),
        ("POST", "/admin/login", {"username": "mo\x00", "password": "x"}),
        ("POST", "/polls/north-korea-missile-response/vote", {"choice": "military\x00"}),
    ],
)
def test_null_characters_are_refused_everywhere_with_a_clear_400(client, debate_poll, method, url, data):
    response = client.open(url, method=method, data=data)
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.get_data(as_text=True)
    assert vote_rows(client.application, debate_poll) == []

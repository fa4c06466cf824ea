"""Who may call the API: a live key of the right scope, never a browser's session."""

import uuid

import pytest

from poll.accounts import api_keys
from poll.database.column_types import utcnow
from poll.extensions import db
from tests.api.conftest import bearer
from tests.conftest import PASSWORD, csrf_token_from, make_app
from tests.web.test_rate_limits import REDIS_URL, redis_or_skip


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == status and body["message"]
    return body


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer dpk_0123456789abcdef_" + "A" * 43},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer not-a-key"},
    ],
)
def test_no_key_or_a_bad_one_is_401_with_www_authenticate(client, headers, make_poll):
    make_poll()
    response = client.get("/api/v1/polls", headers=headers)
    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Set-Cookie" not in response.headers


def test_a_revoked_key_is_401(app, client, read_key):
    assert client.get("/api/v1/polls", headers=bearer(read_key)).status_code == 200
    with app.app_context():
        api_keys.revoke_key(api_keys.key_by_name("read tool"), None, utcnow())
        db.session.commit()
    assert_error(client.get("/api/v1/polls", headers=bearer(read_key)), 401)


def test_the_scheme_is_case_insensitive(client, read_key):
    assert client.get("/api/v1/polls", headers={"Authorization": f"bearer {read_key}"}).status_code == 200


@pytest.mark.parametrize(
    ("scope", "method", "path", "allowed"),
    [
        ("read", "post", "/api/v1/polls/test-poll/close", False),
        ("moderate", "post", "/api/v1/polls/test-poll/close", False),
        ("polls", "post", "/api/v1/polls/test-poll/close", True),
        ("read", "post", "/api/v1/comments/1/approve", False),
        ("polls", "post", "/api/v1/comments/1/approve", False),
        ("moderate", "post", "/api/v1/comments/1/approve", True),
        ("moderate", "get", "/api/v1/polls", True),
        ("polls", "get", "/api/v1/comments?status=any", True),
    ],
)
def test_scopes(client, make_key, make_poll, make_comment, scope, method, path, allowed):
    make_poll()
    make_comment()
    response = getattr(client, method)(path, headers=bearer(make_key(scope)), json={})
    if allowed:
        assert response.status_code == 200, response.get_json()
    else:
        body = assert_error(response, 403)
        assert scope in body["message"]


def test_a_moderators_session_does_not_authenticate_api_calls(
    moderator_client, admin_client, make_poll, make_comment
):
    make_poll()
    comment_id = make_comment()
    for browser in (moderator_client, admin_client):
        assert browser.get("/admin/").status_code == 200  # logged in
        assert_error(browser.get("/api/v1/polls"), 401)
        assert_error(browser.post(f"/api/v1/comments/{comment_id}/approve", json={}), 401)
        assert_error(browser.post("/api/v1/polls/test-poll/close"), 401)


def test_api_answers_set_no_cookie_and_are_not_stored(client, read_key, make_poll):
    make_poll()
    response = client.get("/api/v1/polls", headers=bearer(read_key))
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_last_used_is_recorded(app, client, read_key):
    with app.app_context():
        assert api_keys.key_by_name("read tool").last_used_at is None
    client.get("/api/v1/polls", headers=bearer(read_key))
    with app.app_context():
        assert api_keys.key_by_name("read tool").last_used_at is not None


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {
            "RATELIMIT_ENABLED": True,
            "API_LIMIT_PER_KEY": "3 per minute",
            "RATELIMIT_STORAGE_URI": "memory://",
        }

    def test_each_key_has_its_own_limit_for_reads_and_writes(self, client, make_key, make_poll):
        make_poll()
        first, second = make_key("polls", "first"), make_key("polls", "second")
        statuses = [client.get("/api/v1/polls", headers=bearer(first)).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        response = client.post("/api/v1/polls/test-poll/close", headers=bearer(first))
        body = assert_error(response, 429)
        assert int(response.headers["Retry-After"]) >= 1 and "Too many" in body["message"]
        assert_error(client.get("/api/v1/polls", headers=bearer(first)), 429)
        assert client.get("/api/v1/polls", headers=bearer(second)).status_code == 200


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_key_calls_need_no_csrf_token_and_sessions_still_get_none(
        self, app, client, accounts, make_key, make_poll
    ):
        make_poll()
        response = client.post("/api/v1/polls/test-poll/close", headers=bearer(make_key("polls")))
        assert response.status_code == 200, response.get_json()
        browser = app.test_client()
        token = csrf_token_from(browser.get("/admin/login").get_data(as_text=True))
        form = {"username": "mo", "password": PASSWORD, "csrf_token": token}
        assert browser.post("/admin/login", data=form).status_code == 302
        assert_error(browser.post("/api/v1/polls/test-poll/reopen"), 401)
        assert_error(browser.post("/api/v1/polls/test-poll/reopen", data={"csrf_token": token}), 401)
        # The admin's own forms still check their token.
        assert browser.post("/admin/logout").status_code == 400


def test_the_api_opens_no_session(app):
    from flask import session
    from flask.sessions import NullSession

    with app.test_request_context("/api/v1/polls"):
        assert isinstance(session._get_current_object(), NullSession)
    with app.test_request_context("/admin/"):
        assert not isinstance(session._get_current_object(), NullSession)


RUN = uuid.uuid4().hex[:12]


class TestRateLimitSharedThroughRedis:
    @pytest.fixture
    def app_config(self):
        return {
            "RATELIMIT_ENABLED": True,
            "API_LIMIT_PER_KEY": "3 per minute",
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": f"api-test-{RUN}",
        }

    def test_a_second_worker_sees_the_first_workers_count(
        self, app, client, database_url, app_config, read_key
    ):
        redis_client = redis_or_skip()
        try:
            assert [client.get("/api/v1/polls", headers=bearer(read_key)).status_code for _ in range(3)] == [
                200
            ] * 3
            assert any(redis_client.scan_iter(match=f"*api-test-{RUN}*")), "counts were not stored in Redis"
            # Another worker: its own app and limiter storage, sharing only the database and Redis.
            second = make_app(database_url, **app_config)
            assert_error(second.test_client().get("/api/v1/polls", headers=bearer(read_key)), 429)
            with second.app_context():
                db.engine.dispose()
        finally:
            for key in redis_client.scan_iter(match=f"*api-test-{RUN}*"):
                redis_client.delete(key)


def test_every_write_operation_refuses_a_read_key(app, client, read_key, make_poll, make_comment):
    """Walks the API's routes, so that a write operation added later without its scope fails here."""
    make_poll()
    comment = make_comment()
    writes = [
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"})
    ]
    assert len(writes) >= 8
    for method, rule in writes:
        path = rule.replace("<slug>", "test-poll").replace("<id:comment_id>", str(comment))
        response = client.open(path, method=method, headers=bearer(read_key), json={"reason": "x"})
        assert response.status_code == 403, (method, path, response.get_json())

"""Comment floods are rate-limited per voter and per address, in memory or
shared across workers through the real Redis."""

import os
import subprocess
import sys
import uuid

import pytest

from poll import PROJECT_ROOT
from poll.database.models import MODERATION_POST, Comment
from poll.extensions import db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def stored_comments(app) -> int:
    with app.app_context():
        return len(db.session.execute(db.select(Comment)).scalars().all())


def post(client, slug, body, address="2001:db8::7"):
    return client.post(
        f"/polls/{slug}/comments", data={"body": body}, environ_overrides={"REMOTE_ADDR": address}
    )


@pytest.fixture
def app_config():
    return {
        "RATELIMIT_ENABLED": True,
        "COMMENT_LIMIT_PER_VOTER": "2 per minute",
        "COMMENT_LIMIT_PER_IP": "3 per minute",
    }


@pytest.fixture
def slug(make_poll):
    return make_poll(moderation_mode=MODERATION_POST)


def test_one_voter_flooding_is_stopped_with_a_clear_429(app, client, slug):
    assert post(client, slug, "Talks first.").status_code == 302
    assert post(client, slug, "Talks second.").status_code == 302
    response = post(client, slug, "Talks third.")
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers
    assert stored_comments(app) == 2


def test_the_limiters_request_hook_is_skipped_for_reads_and_kept_for_writes(app, client, slug):
    """poll.extensions.init_limiter swaps Flask-Limiter's private hook for one that skips reads;
    the limits on posts still hold (above and below)."""
    from poll.extensions import limiter

    hooks = app.before_request_funcs[None]
    assert [getattr(hook, "checks_writes_only", False) for hook in hooks].count(True) == 1
    assert limiter._check_request_limit not in hooks
    calls = []
    original = limiter._check_request_limit
    limiter._check_request_limit = lambda *a, **k: calls.append(a) or original(*a, **k)
    try:
        client.get(f"/polls/{slug}/debate")
        client.get(f"/polls/{slug}/results.json")
        assert calls == []
        post(client, slug, "Talks first.")
        assert calls  # the post was checked
    finally:
        del limiter._check_request_limit


def test_many_voters_from_one_address_are_stopped(app, slug):
    statuses = [post(app.test_client(), slug, f"Talks from voter {n}.").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert stored_comments(app) == 3


def test_other_addresses_are_not_affected(app, slug):
    for n in range(3):
        post(app.test_client(), slug, f"Talks {n}.", address="2001:db8::7")
    assert post(app.test_client(), slug, "Talks elsewhere.", address="2001:db8::8").status_code == 302


def redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


# A second worker: its own process, app and limiter, sharing only the database and Redis.
SECOND_WORKER = """
import sys
from tests.conftest import make_app
database_url, config, voter_cookie, slug, address = sys.argv[1], eval(sys.argv[2]), *sys.argv[3:]
client = make_app(database_url, **config).test_client()
client.set_cookie("voter", voter_cookie)
response = client.post(f"/polls/{slug}/comments", data={"body": "Talks from the other worker."},
                       environ_overrides={"REMOTE_ADDR": address})
print(response.status_code)
"""


class TestSharedThroughRedis:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "RATELIMIT_STORAGE_URI": REDIS_URL}

    @pytest.mark.slow
    def test_a_second_worker_process_sees_the_first_workers_count(
        self, app, client, slug, app_config, database_url
    ):
        redis_client = redis_or_skip()
        # Flask-Limiter keeps one key prefix per process, so runs are kept apart
        # by a fresh address (and a fresh voter) instead.
        address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
        try:
            assert post(client, slug, "Talks one.", address=address).status_code == 302
            assert post(client, slug, "Talks two.", address=address).status_code == 302
            assert any(redis_client.scan_iter(match=f"*{address}*")), "limits were not stored in Redis"
            voter_cookie = client.get_cookie("voter").value
            arguments = [database_url, repr(app_config), voter_cookie, slug, address]
            completed = subprocess.run(
                [sys.executable, "-c", SECOND_WORKER, *arguments],
                capture_output=True,
                text=True,
                cwd=PROJECT_ROOT,
                timeout=60,
            )
            assert completed.stdout.strip() == "429", completed.stderr
            assert stored_comments(app) == 2
        finally:
            for key in redis_client.scan_iter(match=f"*{address}*"):
                redis_client.delete(key)

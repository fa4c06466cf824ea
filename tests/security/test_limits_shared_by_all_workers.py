"""Finding 2: with memory:// storage each gunicorn worker counted rate limits
alone (240 votes a minute against 120; a locked account got fresh guesses
after a worker restart). Now more than one worker on memory:// refuses to
start, and with Redis the limits hold across workers and a kill -9."""

import os
import secrets
import signal
import subprocess
import time

import pytest

from bench.common import CSRF_FIELD, ROOT, AppServer, free_port, prepare_database
from bench.load_harness import POLL_PATH, REDIS_URL, VOTE_ACCEPTED, VOTE_PATH, Browser, redis_available

pytestmark = pytest.mark.slow

needs_redis = pytest.mark.skipif(not redis_available(), reason="Redis at 127.0.0.1:6379 is needed")

VOTE_LIMIT = 10
LOGIN_LIMIT = 3
MODERATOR, PASSWORD = "ada", "correct horse battery"


def app_settings(tmp_path) -> dict:
    """Settings of the served app only (the shell's are overridden)."""
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'poll.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(32),
        "PROXY_COUNT": "0",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_KEY_PREFIX": f"test-workers-{secrets.token_hex(4)}",
        "VOTE_LIMIT_PER_IP": f"{VOTE_LIMIT} per day",
        "LOGIN_LIMIT_PER_ACCOUNT": f"{LOGIN_LIMIT} per day",
    }


@pytest.fixture
def server_env(tmp_path):
    """app_settings over a migrated, seeded SQLite database with one moderator."""
    env = app_settings(tmp_path)
    prepare_database(env)
    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "moderator", "add", MODERATOR],
        input=PASSWORD + "\n",
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )
    return env


@pytest.mark.slow
def test_two_workers_with_memory_storage_refuse_to_start_and_say_what_to_set(tmp_path):
    # Refused before any worker starts: no database is needed to find out.
    settings = app_settings(tmp_path)
    server = AppServer(settings, workers=2)
    started = subprocess.run(
        server.command(free_port()),
        cwd=ROOT,
        env={**os.environ, **settings},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert "RATELIMIT_STORAGE_URI=redis://" in started.stderr
    assert "Listening at" not in started.stderr


def kill_one_worker(server: AppServer) -> None:
    """kill -9 one worker and wait until gunicorn has replaced it."""
    before = server.worker_pids()
    assert len(before) == 2
    os.kill(before[0], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = server.worker_pids()
        if len(now) == 2 and before[0] not in now:
            return
        time.sleep(0.1)
    raise AssertionError("gunicorn did not replace the killed worker")


def login_attempt(server: AppServer, password: str) -> int:
    """One login from a fresh browser (a new session, a new connection)."""
    browser = Browser([server], "127.0.0.1")
    page = browser.request("GET", "/admin/login")
    browser.keep_cookie(page, "session")
    token = CSRF_FIELD.search(page.data.decode()).group(1)
    answer = browser.request(
        "POST", "/admin/login", {"csrf_token": token, "username": MODERATOR, "password": password}
    )
    return answer.status


@pytest.mark.slow
@needs_redis
def test_two_workers_share_the_vote_and_login_limits_through_a_worker_kill(server_env):
    env = {**server_env, "RATELIMIT_STORAGE_URI": REDIS_URL}
    server = AppServer(env, workers=2, probe=POLL_PATH).start()
    try:
        # Every request opens its own connection, so both workers take a share.
        voter = Browser([server], "127.0.0.1")
        voter.open_poll()
        statuses = []
        for n in range(2 * VOTE_LIMIT):
            if n == VOTE_LIMIT // 2:
                kill_one_worker(server)
            response = voter.request(
                "POST", VOTE_PATH, {"csrf_token": voter.csrf_token, "choice": "military"}
            )
            voter.keep_cookie(response, "voter")
            statuses.append(response.status)
        assert statuses.count(VOTE_ACCEPTED) == VOTE_LIMIT
        assert statuses[VOTE_LIMIT:] == [429] * VOTE_LIMIT

        failed = [login_attempt(server, "wrong password") for _ in range(LOGIN_LIMIT)]
        assert 429 not in failed
        kill_one_worker(server)
        # The account stays locked on every worker, the new one included, even for the right password.
        assert [login_attempt(server, PASSWORD) for _ in range(4)] == [429] * 4
    finally:
        server.stop()

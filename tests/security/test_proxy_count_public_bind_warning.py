"""Finding 5: with PROXY_COUNT=1 and gunicorn reachable directly, any client's
X-Forwarded-For was believed (400 of 400 rotated votes counted). gunicorn now
warns at start when the app trusts a proxy but listens on a public address."""

import secrets

import pytest

from bench.common import AppServer, free_port, prepare_database
from poll.web.security import is_public_bind, proxy_bind_warning


@pytest.mark.parametrize(
    ("bind", "public"),
    [
        ("127.0.0.1:8000", False),
        ("[::1]:8000", False),
        ("localhost:8000", False),
        ("10.1.2.3:8000", False),
        ("192.168.0.10:8000", False),
        ("172.16.5.4:8000", False),
        ("[fe80::1]:8000", False),
        ("unix:/run/debate-poll.sock", False),
        ("fd://3", False),
        ("0.0.0.0:8000", True),
        ("[::]:8000", True),
        (":8000", True),
        ("93.184.216.34:80", True),
        ("[2606:4700::1111]:80", True),
    ],
)
def test_a_bind_is_public_unless_loopback_private_or_link_local(bind, public):
    assert is_public_bind(bind) is public


def test_the_warning_needs_both_a_trusted_proxy_and_a_public_bind():
    assert proxy_bind_warning(0, ["0.0.0.0:8000"]) is None
    assert proxy_bind_warning(1, ["127.0.0.1:8000", "unix:/tmp/app.sock"]) is None
    warning = proxy_bind_warning(1, ["127.0.0.1:8000", "0.0.0.0:8000"])
    assert "PROXY_COUNT=1" in warning and "0.0.0.0:8000" in warning and "127.0.0.1" in warning


def started_log(tmp_path, proxy_count: str, extra_bind: str | None) -> str:
    """Start the app under the project's gunicorn.conf.py; return the start-up log."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'poll.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_STORAGE_URI": "memory://",
        "PROXY_COUNT": proxy_count,
    }
    prepare_database(env)
    log = tmp_path / f"gunicorn-{secrets.token_hex(2)}.log"
    extra = ["--error-logfile", str(log)] + (["--bind", extra_bind] if extra_bind else [])
    server = AppServer(env, workers=1, extra_args=tuple(extra)).start()
    server.stop()
    return log.read_text()


@pytest.mark.slow
def test_gunicorn_warns_when_a_trusted_proxy_meets_a_public_bind(tmp_path):
    assert "trusts X-Forwarded-For" in started_log(tmp_path, "1", f"0.0.0.0:{free_port()}")


@pytest.mark.slow
def test_gunicorn_stays_quiet_on_loopback(tmp_path):
    assert "trusts X-Forwarded-For" not in started_log(tmp_path, "1", None)

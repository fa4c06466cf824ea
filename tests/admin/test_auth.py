"""Logging in and out, throttling, sessions."""

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from poll.accounts import moderators
from poll.database.column_types import utcnow
from poll.database.models import AuditEntry, Moderator
from poll.extensions import db
from tests.conftest import PASSWORD, csrf_token_from, login

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def test_login_page_and_successful_login(app, client, accounts):
    assert "Moderator login" in client.get("/admin/login").get_data(as_text=True)
    response = login(client, "mo")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    assert "moderator.login" in audit_actions(app)
    with app.app_context():
        assert db.session.execute(db.select(Moderator).filter_by(username="mo")).scalar_one().last_login_at


@pytest.mark.parametrize(
    "username, password",
    [("mo", "wrong password here"), ("nobody", PASSWORD), ("MO", PASSWORD), ("mo", PASSWORD + " ")],
)
def test_wrong_credentials_give_one_clear_message(client, accounts, username, password):
    response = login(client, username, password)
    assert response.status_code == 401
    assert "do not match an active account" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("username", ["mo", "nobody"])
def test_unknown_and_known_names_cost_one_password_hash_each(app, accounts, monkeypatch, username):
    """Equal work, so that response times do not tell which accounts exist."""
    calls = []
    for name in ("generate_password_hash", "check_password_hash"):
        original = getattr(moderators, name)
        monkeypatch.setattr(
            moderators, name, lambda *args, _f=original, _n=name, **kw: calls.append(_n) or _f(*args, **kw)
        )
    with app.app_context():
        assert moderators.authenticate(username, "wrong password here") is None
    assert len(calls) == 1, calls


def test_a_served_app_stores_scrypt_hashes_and_refuses_a_cheaper_method(tmp_path):
    """The suite's cheap hashing (PASSWORD_HASH_METHOD in its settings) never reaches a served app."""
    from poll import create_app
    from poll.database.column_types import utcnow
    from poll.extensions import db

    served = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    )
    with served.app_context():
        db.create_all()
        assert moderators.add("ada", PASSWORD, "admin", utcnow()).password_hash.startswith("scrypt:")
    with pytest.raises(ValueError, match="PASSWORD_HASH_METHOD"):
        create_app({"SECRET_KEY": "x", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})


@pytest.mark.slow
def test_importing_the_app_hashes_no_password():
    """Start-up of every command and worker stays free of deliberately slow hashing."""
    code = (
        "import werkzeug.security as s; calls = []; "
        "s.generate_password_hash = lambda *a, **k: calls.append(a); "
        "import poll, poll.accounts.moderators; assert not calls, calls"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PROJECT_ROOT)


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Please enter your name"),
        ({"username": "mo"}, "Please enter your password"),
        (
            {"username": "x" * 51, "password": "y"},
            "Please keep your name to 50 characters or fewer: it has 51",
        ),
        ({"username": "<script>", "password": "' OR 1=1 --"}, "do not match"),
    ],
)
def test_bad_login_input_is_a_clear_4xx(client, accounts, data, message):
    response = client.post("/admin/login", data=data)
    assert 400 <= response.status_code < 500
    assert message in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True)


def test_disabled_account_cannot_log_in_and_open_sessions_end(app, accounts, moderator_client):
    with app.app_context():
        moderators.disable(moderators.find("mo"), utcnow())
        db.session.commit()
    assert moderator_client.get("/admin/").status_code == 302
    assert login(app.test_client(), "mo").status_code == 401


def test_password_change_ends_other_sessions(app, accounts, moderator_client):
    with app.app_context():
        moderators.set_password(moderators.find("mo"), "another long password", utcnow())
        db.session.commit()
    assert moderator_client.get("/admin/").status_code == 302
    assert login(app.test_client(), "mo", "another long password").status_code == 302


def test_logout_is_a_post_and_ends_the_session(moderator_client):
    assert moderator_client.get("/admin/logout").status_code == 405
    response = moderator_client.post("/admin/logout")
    assert response.status_code == 302
    assert moderator_client.get("/admin/").status_code == 302


def test_the_session_cookie_expires_within_twelve_hours_and_is_kept_from_scripts(client, accounts):
    response = login(client, "mo")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "; HttpOnly" in cookie and "SameSite=Lax" in cookie
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert timedelta(0) < expires - datetime.now(UTC) <= timedelta(hours=12)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "admin"]
)
def test_next_never_leaves_the_site(client, accounts, target):
    response = client.post(f"/admin/login?next={target}", data={"username": "mo", "password": PASSWORD})
    assert response.headers["Location"].endswith("/admin/")


def test_next_within_the_site_is_followed(client, accounts):
    response = client.post("/admin/login?next=/admin/audit", data={"username": "mo", "password": PASSWORD})
    assert response.headers["Location"].endswith("/admin/audit")


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


class TestThrottling:
    @pytest.fixture
    def app_config(self):
        return {
            "RATELIMIT_ENABLED": True,
            "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
            "LOGIN_LIMIT_PER_IP": "6 per minute",
        }

    def test_failed_logins_are_throttled_per_account_from_that_address(self, app, accounts):
        for _ in range(3):
            assert login(app.test_client(), "mo", "wrong password here").status_code == 401
        blocked = login(app.test_client(), "mo", PASSWORD)
        assert blocked.status_code == 429
        assert "Too many requests" in blocked.get_data(as_text=True)
        assert login(app.test_client(), "ada").status_code == 302

    def test_an_account_guessed_at_from_one_address_still_opens_from_another(self, app, accounts):
        """#27 item 13: five wrong passwords used to lock the account from every address."""
        attacker, owner = client_at(app, "203.0.113.9"), client_at(app, "198.51.100.4")
        for _ in range(3):
            assert login(attacker, "mo", "wrong password here").status_code == 401
        assert login(attacker, "mo", PASSWORD).status_code == 429
        assert login(owner, "mo", PASSWORD).status_code == 302
        assert login(attacker, "mo", PASSWORD).status_code == 429

    def test_the_owner_who_mistyped_is_throttled_like_anyone(self, app, accounts):
        owner = client_at(app, "198.51.100.4")
        for _ in range(3):
            assert login(owner, "mo", "wrong password here").status_code == 401
        assert login(owner, "mo", PASSWORD).status_code == 429

    def test_failed_logins_are_throttled_per_address(self, app, accounts):
        for number in range(6):
            login(app.test_client(), f"guess{number}", "wrong password here")
        assert login(app.test_client(), "ada").status_code == 429

    def test_successful_logins_do_not_count(self, app, accounts):
        for _ in range(5):
            assert login(app.test_client(), "mo").status_code == 302


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_login_without_token_is_refused(self, client, accounts):
        response = login(client, "mo")
        assert response.status_code == 400
        assert client.get("/admin/").status_code == 302

    def test_login_with_token_works(self, client, accounts):
        token = csrf_token_from(client.get("/admin/login").get_data(as_text=True))
        response = client.post(
            "/admin/login", data={"username": "mo", "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302

"""Finding 1: logout did not end a session. A saved copy of the session cookie,
sent after logout, still opened the admin pages; now a session is a server-side
row and logout (or "log out everywhere", a password change, disabling the
account, or idling past the session lifetime) deletes or outlives it."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from poll.accounts import moderators
from poll.database.column_types import utcnow
from poll.database.models import AuditEntry, ModeratorSession
from poll.extensions import db
from tests.conftest import login

PRIVATE_PAGE = "/admin/moderators"


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str):
    """A fresh browser that sends only the saved cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get(PRIVATE_PAGE)


def open_sessions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ModeratorSession))


def test_a_cookie_saved_before_logout_goes_to_the_login_page(app, client, accounts):
    login(client, "ada")
    saved = session_cookie(client)
    assert replay(app, saved).status_code == 200
    client.post("/admin/logout")
    answer = replay(app, saved)
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/admin/login")
    assert open_sessions(app) == 0


def test_logging_out_ends_only_this_browsers_session(app, accounts):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "ada")
    login(phone, "ada")
    laptop.post("/admin/logout")
    assert laptop.get(PRIVATE_PAGE).status_code == 302
    assert phone.get(PRIVATE_PAGE).status_code == 200


def test_log_out_everywhere_ends_every_session_of_the_account_and_is_audited(app, accounts):
    laptop, phone, colleague = app.test_client(), app.test_client(), app.test_client()
    login(laptop, "ada")
    login(phone, "ada")
    login(colleague, "mo")
    saved = session_cookie(phone)
    answer = laptop.post("/admin/logout-everywhere", follow_redirects=True)
    assert "logged out everywhere (2 sessions ended)" in answer.get_data(as_text=True)
    assert phone.get(PRIVATE_PAGE).status_code == 302
    assert replay(app, saved).status_code == 302
    assert colleague.get("/admin/").status_code == 200
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).filter_by(action="moderator.logout_everywhere")).one()
        assert (entry.actor, entry.after) == ("ada", {"sessions": 2})


def test_the_button_is_on_every_admin_page(client, accounts):
    login(client, "mo")
    page = client.get("/admin/").get_data(as_text=True)
    assert 'action="/admin/logout-everywhere"' in page


@pytest.mark.parametrize("action", ["set_password", "disable"])
def test_a_password_change_or_disabling_ends_every_session(app, client, accounts, action):
    login(client, "mo")
    with app.app_context():
        account = moderators.find("mo")
        if action == "set_password":
            moderators.set_password(account, "another long password", utcnow())
        else:
            moderators.disable(account, utcnow())
        db.session.commit()
    assert client.get("/admin/").status_code == 302
    assert open_sessions(app) == 0


def test_a_session_idle_longer_than_its_lifetime_has_ended(app, client, accounts):
    login(client, "mo")
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    with app.app_context():
        db.session.execute(
            update(ModeratorSession).values(last_seen_at=utcnow() - lifetime - timedelta(minutes=1))
        )
        db.session.commit()
    assert client.get("/admin/").status_code == 302


def test_use_keeps_a_session_open(app, client, accounts):
    login(client, "mo")
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    with app.app_context():
        db.session.execute(
            update(ModeratorSession).values(last_seen_at=utcnow() - lifetime + timedelta(minutes=10))
        )
        db.session.commit()
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        seen = db.session.scalar(select(ModeratorSession.last_seen_at))
    assert seen > utcnow() - timedelta(minutes=1)


def test_the_database_holds_only_a_digest_of_the_token(app, client, accounts):
    login(client, "mo")
    serializer = app.session_interface.get_signing_serializer(app)
    _, _, token = serializer.loads(session_cookie(client))["_user_id"].partition(".")
    with app.app_context():
        stored = db.session.scalar(select(ModeratorSession.token_hash))
    assert len(token) >= 40 and token not in stored
    assert stored == hashlib.sha256(token.encode()).hexdigest()


def test_flask_purge_deletes_idle_sessions_and_keeps_open_ones(app, runner, accounts):
    idle, active = app.test_client(), app.test_client()
    login(idle, "ada")
    login(active, "mo")
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"]
    with app.app_context():
        ada_id = moderators.find("ada").id
        db.session.execute(
            update(ModeratorSession)
            .where(ModeratorSession.moderator_id == ada_id)
            .values(last_seen_at=utcnow() - lifetime - timedelta(minutes=1))
        )
        db.session.commit()
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "idle moderator sessions deleted: 1" in result.output
    assert open_sessions(app) == 1
    assert active.get("/admin/").status_code == 200

"""The admin's API keys page: admins only, CSRF-checked, a new key shown once, revoking, all audited."""

import re

import pytest

from poll.accounts import api_keys
from poll.database.models import ApiKey, AuditEntry
from poll.extensions import db
from tests.conftest import PASSWORD, csrf_token_from

KEY_TEXT = re.compile(r"dpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}")


def test_moderators_may_not_see_or_make_keys(moderator_client):
    assert moderator_client.get("/admin/api-keys").status_code == 403
    assert moderator_client.post("/admin/api-keys", data={"name": "x", "scope": "read"}).status_code == 403


def test_logged_out_visitors_are_sent_to_log_in(client):
    assert client.get("/admin/api-keys").status_code == 302


def test_a_new_key_is_shown_once_and_only_its_hash_is_stored(app, admin_client):
    response = admin_client.post("/admin/api-keys", data={"name": "Results board", "scope": "read"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    (key,) = set(KEY_TEXT.findall(html))
    assert "Set-Cookie" not in response.headers or key not in response.headers["Set-Cookie"]
    later = admin_client.get("/admin/api-keys").get_data(as_text=True)
    assert key not in later and "Results board" in later and f"dpk_{key.split('_')[1]}" in later
    with app.app_context():
        row = db.session.execute(db.select(ApiKey)).scalar_one()
        assert key.split("_", 2)[2] not in row.secret_hash and api_keys.key_for(key).id == row.id
        entry = db.session.execute(
            db.select(AuditEntry).where(AuditEntry.target_type == "api_key")
        ).scalar_one()
        assert (entry.action, entry.actor, entry.after) == (
            "api_key.create",
            "ada",
            {"name": "Results board", "scope": "read"},
        )
    # The key works.
    assert (
        app.test_client().get("/api/v1/polls", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "scope": "read"}, "Please give the key a name"),
        ({"name": "x" * 41, "scope": "read"}, "40 characters or fewer"),
        ({"name": "bad/name", "scope": "read"}, "Use letters, digits"),
        ({"name": "café desk", "scope": "read"}, "Use letters, digits"),
        ({"name": "desk\u202e", "scope": "read"}, "Use letters, digits"),
        ({"name": "ok", "scope": "admin"}, "Not a valid choice"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_kept(app, admin_client, data, message):
    response = admin_client.post("/admin/api-keys", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert f'value="{data["name"]}"' in html
    with app.app_context():
        assert db.session.execute(db.select(ApiKey)).first() is None


def test_a_taken_name_is_refused(admin_client):
    assert admin_client.post("/admin/api-keys", data={"name": "desk", "scope": "read"}).status_code == 201
    again = admin_client.post("/admin/api-keys", data={"name": "desk", "scope": "polls"})
    assert again.status_code == 400 and "already a key called" in again.get_data(as_text=True)


def test_revoking_a_key(app, admin_client):
    html = admin_client.post("/admin/api-keys", data={"name": "desk", "scope": "read"}).get_data(as_text=True)
    (key,) = set(KEY_TEXT.findall(html))
    with app.app_context():
        key_id = api_keys.key_by_name("desk").id
    response = admin_client.post(f"/admin/api-keys/{key_id}/revoke")
    assert response.status_code == 302
    assert "revoked" in admin_client.get("/admin/api-keys").get_data(as_text=True)
    assert (
        app.test_client().get("/api/v1/polls", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    )
    with app.app_context():
        query = db.select(AuditEntry.action, AuditEntry.actor).where(AuditEntry.target_type == "api_key")
        assert db.session.execute(query.order_by(AuditEntry.id)).all() == [
            ("api_key.create", "ada"),
            ("api_key.revoke", "ada"),
        ]
    assert admin_client.post("/admin/api-keys/999/revoke").status_code == 404


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_making_and_revoking_need_the_forms_token(self, app, accounts):
        browser = app.test_client()
        token = csrf_token_from(browser.get("/admin/login").get_data(as_text=True))
        assert (
            browser.post(
                "/admin/login", data={"username": "ada", "password": PASSWORD, "csrf_token": token}
            ).status_code
            == 302
        )
        assert browser.post("/admin/api-keys", data={"name": "desk", "scope": "read"}).status_code == 400
        with app.app_context():
            assert db.session.execute(db.select(ApiKey)).first() is None
        token = csrf_token_from(browser.get("/admin/api-keys").get_data(as_text=True))
        made = browser.post("/admin/api-keys", data={"name": "desk", "scope": "read", "csrf_token": token})
        assert made.status_code == 201
        with app.app_context():
            key_id = api_keys.key_by_name("desk").id
        assert browser.post(f"/admin/api-keys/{key_id}/revoke").status_code == 400
        with app.app_context():
            assert api_keys.key_by_name("desk").revoked_at is None


def test_the_audit_log_shows_what_a_key_did(app, admin_client, make_poll):
    make_poll()
    html = admin_client.post("/admin/api-keys", data={"name": "Opener", "scope": "polls"}).get_data(
        as_text=True
    )
    (key,) = set(KEY_TEXT.findall(html))
    caller = app.test_client()
    assert (
        caller.post("/api/v1/polls/test-poll/close", headers={"Authorization": f"Bearer {key}"}).status_code
        == 200
    )
    page = admin_client.get("/admin/audit")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "API key Opener" in text and "poll.close" in text and "api_key.create" in text
    assert key not in text
    filtered = admin_client.get("/admin/audit", query_string={"actor": "API key Opener"})
    assert filtered.status_code == 200 and "poll.close" in filtered.get_data(as_text=True)

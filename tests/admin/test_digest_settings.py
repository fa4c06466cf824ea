"""A moderator's own digest settings page: saved for themselves, audited, bad input refused."""

import pytest

from poll.database.models import AuditEntry, Moderator
from poll.extensions import db


def settings_of(app, username="mo"):
    with app.app_context():
        moderator = db.session.execute(db.select(Moderator).filter_by(username=username)).scalar_one()
        return moderator.email, moderator.digest, moderator.digest_hour


def test_a_moderator_sets_their_own_daily_digest(app, moderator_client):
    page = moderator_client.get("/admin/my-digest")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    response = moderator_client.post(
        "/admin/my-digest", data={"email": " mo@example.org ", "digest": "daily", "digest_hour": "7"}
    )
    assert response.status_code == 302
    assert settings_of(app) == ("mo@example.org", "daily", 7)
    assert settings_of(app, "ada") == (None, "off", None)
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="digest.settings")).scalar_one()
    assert entry.actor == "mo" and entry.after == {
        "email": "mo@example.org",
        "digest": "daily",
        "digest_hour": 7,
    }
    assert 'value="mo@example.org"' in moderator_client.get("/admin/my-digest").get_data(as_text=True)


def test_hourly_forgets_the_hour_and_off_needs_no_address(app, moderator_client):
    moderator_client.post(
        "/admin/my-digest", data={"email": "mo@example.org", "digest": "hourly", "digest_hour": "7"}
    )
    assert settings_of(app) == ("mo@example.org", "hourly", None)
    assert moderator_client.post("/admin/my-digest", data={"email": "", "digest": "off"}).status_code == 302
    assert settings_of(app) == (None, "off", None)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "", "digest": "hourly"}, "Please give the address the digest goes to."),
        ({"email": "not an address", "digest": "hourly"}, "Please give an email address"),
        ({"email": "mo@localhost", "digest": "hourly"}, "Please give an email address"),
        ({"email": "Mo <mo@example.org>", "digest": "hourly"}, "Please give"),
        ({"email": "<script>@x.org", "digest": "hourly"}, "Please give one plain address"),
        ({"email": "a" * 250 + "@example.org", "digest": "hourly"}, "254 characters"),
        ({"email": "mo@example.org", "digest": "weekly"}, "Not a valid choice"),
        ({"email": "mo@example.org", "digest": "daily"}, "Please choose the hour"),
        ({"email": "mo@example.org", "digest": "daily", "digest_hour": "24"}, "from 0 to 23"),
        ({"email": "mo@example.org", "digest": "daily", "digest_hour": "-1"}, "from 0 to 23"),
        ({"email": "mo@example.org", "digest": "daily", "digest_hour": "nine"}, "Not a valid integer"),
        ({"email": "mo@example.org", "digest": "daily", "digest_hour": "9" * 40}, "from 0 to 23"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_kept(app, moderator_client, data, message):
    response = moderator_client.post("/admin/my-digest", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert settings_of(app) == (None, "off", None)
    if data["email"] == "<script>@x.org":
        assert "&lt;script&gt;@x.org" in html and "<script>@x.org" not in html
    if data.get("digest_hour") == "nine":
        assert 'value="nine"' in html

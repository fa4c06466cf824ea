"""The webhooks admin pages: register, show the secret, edit, rotate, remove, all audited; bad
input refused beside its field with what was typed kept."""

import pytest

from poll.database.models import AuditEntry, WebhookDelivery, WebhookEndpoint
from poll.extensions import db
from tests.conftest import PASSWORD, csrf_token_from

URL = "https://hooks.example.org/debate-poll"


def endpoints(app) -> list[WebhookEndpoint]:
    with app.app_context():
        return list(db.session.execute(db.select(WebhookEndpoint).order_by(WebhookEndpoint.id)).scalars())


def audit_actions(app) -> list[str]:
    with app.app_context():
        actions = db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
        return [action for action in actions if action.startswith("webhook.")]


def add(client, url=URL, events=("poll.closed", "comment.appealed"), description="Night desk"):
    return client.post(
        "/admin/webhooks", data={"url": url, "events": list(events), "description": description}
    )


def test_an_admin_registers_an_endpoint_and_sees_its_secret(app, admin_client):
    response = add(admin_client)
    assert response.status_code == 302
    [endpoint] = endpoints(app)
    assert (endpoint.url, endpoint.description, endpoint.events, endpoint.enabled) == (
        URL,
        "Night desk",
        ["comment.appealed", "poll.closed"],
        True,
    )
    assert len(endpoint.secret) == 64
    page = admin_client.get(response.headers["Location"])
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert endpoint.secret in page.get_data(as_text=True)
    assert audit_actions(app) == ["webhook.add"]
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="webhook.add")).scalar_one()
        assert entry.actor == "ada" and endpoint.secret not in str(entry.after)


def test_edit_rotate_and_remove_are_audited(app, admin_client):
    add(admin_client)
    [endpoint] = endpoints(app)
    base = f"/admin/webhooks/{endpoint.id}"
    edited = admin_client.post(base, data={"url": URL + "/v2", "events": ["poll.vote_burst"], "enabled": ""})
    assert edited.status_code == 302
    [changed] = endpoints(app)
    assert (changed.url, changed.events, changed.enabled) == (URL + "/v2", ["poll.vote_burst"], False)
    assert admin_client.post(f"{base}/rotate").status_code == 302
    assert endpoints(app)[0].secret != endpoint.secret
    assert admin_client.post(f"{base}/remove").status_code == 302
    assert endpoints(app) == []
    assert audit_actions(app) == ["webhook.add", "webhook.edit", "webhook.rotate_secret", "webhook.remove"]
    assert admin_client.get(base).status_code == 404
    assert admin_client.post(f"{base}/rotate").status_code == 404


def test_deliveries_are_listed_beside_their_endpoint(app, admin_client, make_poll):
    add(admin_client)
    slug = make_poll()
    assert admin_client.post(f"/admin/polls/{slug}/close").status_code == 302
    [endpoint] = endpoints(app)
    with app.app_context():
        [delivery] = db.session.execute(db.select(WebhookDelivery)).scalars().all()
    page = admin_client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "poll.closed" in page and delivery.event_id in page and "pending" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"url": "", "events": ["poll.closed"]}, "Please give the receiver&#39;s URL."),
        ({"url": "   ", "events": ["poll.closed"]}, "Please give the receiver&#39;s URL."),
        ({"url": URL, "events": []}, "Please choose at least one event."),
        ({"url": URL, "events": ["poll.exploded"]}, "not a valid choice"),
        ({"url": "http://hooks.example.org/x", "events": ["poll.closed"]}, "Please give an https:// URL."),
        ({"url": "https://10.0.0.5/x", "events": ["poll.closed"]}, "private"),
        ({"url": "<script>alert(1)</script>", "events": ["poll.closed"]}, "https://"),
        ({"url": "https://h.example.org/" + "a" * 600, "events": ["poll.closed"]}, "500 characters"),
        ({"url": URL, "events": ["poll.closed"], "description": "x" * 101}, "100 characters"),
        ({"url": URL, "events": ["poll.closed"], "description": "bell\x07"}, "control characters"),
        ({"url": [URL, URL + "2"], "events": ["poll.closed"]}, "only once"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_kept(app, admin_client, data, message):
    response = admin_client.post("/admin/webhooks", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert endpoints(app) == []
    if data["url"] == "<script>alert(1)</script>":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_a_url_registered_twice_is_refused(app, admin_client):
    add(admin_client)
    response = add(admin_client)
    assert response.status_code == 400 and "registered already" in response.get_data(as_text=True)
    assert len(endpoints(app)) == 1


def test_a_bad_edit_keeps_what_was_typed(app, admin_client):
    add(admin_client)
    [endpoint] = endpoints(app)
    response = admin_client.post(
        f"/admin/webhooks/{endpoint.id}", data={"url": "ftp://x", "events": ["poll.closed"]}
    )
    assert response.status_code == 400
    assert 'value="ftp://x"' in response.get_data(as_text=True)
    assert endpoints(app)[0].url == URL


def test_an_id_out_of_range_is_a_404(admin_client):
    assert admin_client.get("/admin/webhooks/99999999999999999999").status_code == 404
    assert admin_client.get("/admin/webhooks/abc").status_code == 404


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_every_webhook_post_needs_the_token(self, app, accounts):
        admin_client = app.test_client()
        token = csrf_token_from(admin_client.get("/admin/login").get_data(as_text=True))
        login = {"username": "ada", "password": PASSWORD, "csrf_token": token}
        assert admin_client.post("/admin/login", data=login).status_code == 302
        assert add(admin_client).status_code == 400
        assert endpoints(app) == []
        token = csrf_token_from(admin_client.get("/admin/webhooks").get_data(as_text=True))
        response = admin_client.post(
            "/admin/webhooks", data={"url": URL, "events": ["poll.closed"], "csrf_token": token}
        )
        assert response.status_code == 302
        [endpoint] = endpoints(app)
        for action in ("", "/rotate", "/remove"):
            assert admin_client.post(f"/admin/webhooks/{endpoint.id}{action}").status_code == 400
        assert endpoints(app)[0].secret == endpoint.secret

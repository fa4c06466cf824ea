"""Every admin URL: anonymous visitors go to the login page, moderators get 403
on admin-only pages, admins get everything."""

import re

import pytest

from poll.polls.debate_poll import DEBATE_POLL_SLUG

SLUG = DEBATE_POLL_SLUG

MODERATOR_PAGES = [
    ("GET", "/admin/"),
    ("GET", "/admin/polls"),
    ("GET", f"/admin/polls/{SLUG}/dashboard"),
    ("GET", "/admin/audit"),
    ("POST", "/admin/comments/1/moderate"),
    ("POST", "/admin/comments/1/stance"),
    ("POST", "/admin/comments/bulk"),
    ("GET", "/admin/my-digest"),
    ("POST", "/admin/my-digest"),
]
ADMIN_PAGES = [
    ("GET", "/admin/polls/new"),
    ("POST", "/admin/polls/new"),
    ("GET", f"/admin/polls/{SLUG}/edit"),
    ("POST", f"/admin/polls/{SLUG}/edit"),
    ("POST", f"/admin/polls/{SLUG}/close"),
    ("POST", f"/admin/polls/{SLUG}/reopen"),
    ("POST", f"/admin/polls/{SLUG}/feature"),
    ("GET", "/admin/blocked-words"),
    ("POST", "/admin/blocked-words"),
    ("POST", "/admin/blocked-words/1/remove"),
    ("GET", "/admin/moderators"),
    ("GET", "/admin/webhooks"),
    ("POST", "/admin/webhooks"),
    ("GET", "/admin/webhooks/1"),
    ("POST", "/admin/webhooks/1"),
    ("POST", "/admin/webhooks/1/rotate"),
    ("POST", "/admin/webhooks/1/remove"),
    ("GET", "/admin/api-keys"),
    ("POST", "/admin/api-keys"),
    ("POST", "/admin/api-keys/1/revoke"),
]
ALL_PAGES = MODERATOR_PAGES + ADMIN_PAGES + [("POST", "/admin/logout")]


@pytest.fixture(autouse=True)
def setting(app, debate_poll, make_comment):
    make_comment()
    from poll.alerts.webhooks import add_endpoint
    from poll.database.column_types import utcnow
    from poll.extensions import db

    with app.app_context():
        add_endpoint(None, "https://hooks.example.org/1", "", ["poll.closed"], utcnow(), False)
        db.session.commit()


@pytest.mark.parametrize("method, url", ALL_PAGES)
def test_anonymous_visitors_are_sent_to_login(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]


@pytest.mark.parametrize("method, url", ADMIN_PAGES)
def test_moderators_get_403_on_admin_pages(moderator_client, method, url):
    response = moderator_client.open(url, method=method)
    assert response.status_code == 403
    assert "Only admins" in response.get_data(as_text=True)


@pytest.mark.parametrize("method, url", [page for page in MODERATOR_PAGES if page[0] == "GET"])
def test_moderators_see_their_pages(moderator_client, method, url):
    assert moderator_client.open(url, method=method).status_code == 200


@pytest.mark.parametrize("method, url", [page for page in ALL_PAGES if page[0] == "GET"])
def test_admins_see_every_page(admin_client, method, url):
    assert admin_client.open(url, method=method).status_code == 200


def test_admin_only_links_are_hidden_from_moderators(moderator_client, admin_client):
    assert "/admin/blocked-words" not in moderator_client.get("/admin/").get_data(as_text=True)
    assert "/admin/blocked-words" in admin_client.get("/admin/").get_data(as_text=True)


def test_no_admin_form_cuts_what_is_typed(admin_client, debate_poll):
    """A ``maxlength`` makes the browser drop a paste past the limit without a word; the server says how
    long the text is instead (LimitWithoutCutting). Only the queue's search box, a query, keeps one."""
    pages = [
        "/admin/polls/new",
        f"/admin/polls/{debate_poll}/edit",
        f"/admin/polls/{debate_poll}/dashboard",
        f"/admin/polls/{debate_poll}/stance",
        "/admin/",
        "/admin/mutes",
        "/admin/audit",
        "/admin/export",
        "/admin/moderators",
        "/admin/blocked-words",
        "/admin/rejection-reasons",
        "/admin/webhooks",
        "/admin/webhooks/1",
        "/admin/my-digest",
        "/admin/api-keys",
    ]
    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True).replace('id="f-q"', "")
        fields = re.findall(r"<(?:input|textarea)[^>]*maxlength[^>]*>", html)
        assert [field for field in fields if 'name="q"' not in field] == [], page

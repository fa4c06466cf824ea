"""Finding 8: admin pages were sent without ``Cache-Control: no-store`` (only the
exports had it), and results.json, which answers each reader with their own
choice, could be kept by a shared cache and handed to the next reader."""

import pytest

from poll.database.models import RESULTS_ALWAYS
from poll.polls.debate_poll import DEBATE_POLL_SLUG
from tests.conftest import login

ROUTE_VALUES = {"slug": DEBATE_POLL_SLUG, "kind": "votes"}


def admin_get_urls(app, **values) -> list[str]:
    """Every admin page a browser can GET, from the app's own routes (a new page cannot slip by)."""
    values = {**ROUTE_VALUES, **values}
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") and "GET" in rule.methods:
            urls.append(rule.build({name: values[name] for name in rule.arguments})[1])
    return sorted(urls)


def a_webhook_endpoint(app) -> int:
    from poll.alerts.events import COMMENT_AWAITING_REVIEW
    from poll.alerts.webhooks import add_endpoint
    from poll.database.column_types import utcnow
    from poll.extensions import db

    with app.app_context():
        endpoint = add_endpoint(
            None, "https://cms.example.org/hooks", "", [COMMENT_AWAITING_REVIEW], utcnow(), allow_private=True
        )
        db.session.commit()
        return endpoint.id


def test_every_admin_page_is_no_store_logged_in_or_not(app, client, accounts, debate_poll, make_comment):
    urls = admin_get_urls(
        app, comment_id=make_comment("A comment to act on."), endpoint_id=a_webhook_endpoint(app)
    )
    assert {"/admin/", "/admin/login", "/admin/audit", "/admin/export"} <= set(urls)
    for url in urls:
        assert fetch(client, url).headers.get("Cache-Control") == "no-store", url
    login(client, "ada")
    for url in urls:
        response = fetch(client, url)
        assert response.status_code in (200, 302), url
        assert response.headers.get("Cache-Control") == "no-store", url


def fetch(client, url: str):
    """GET ``url`` and read it to the end (an export streams: its request ends when it is read)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def test_admin_answers_after_a_post_are_no_store(client, accounts):
    assert login(client, "ada").headers["Cache-Control"] == "no-store"


@pytest.fixture
def open_results(make_poll):
    return make_poll(slug="always", results_visibility=RESULTS_ALWAYS)


def test_results_json_is_private_to_the_reader_and_varies_by_cookie(client, open_results):
    before = client.get(f"/polls/{open_results}/results.json")
    client.post(f"/polls/{open_results}/vote", data={"choice": "a"})
    after = client.get(f"/polls/{open_results}/results.json")
    assert (before.json["my_choice"], after.json["my_choice"]) == (None, "a")
    for response in (before, after):
        directives = {part.strip() for part in response.headers["Cache-Control"].split(",")}
        assert {"private", "no-cache"} <= directives
        assert "Cookie" in response.headers["Vary"]

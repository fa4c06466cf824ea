"""Finding 11: redirects built absolute URLs from whatever ``Host`` the request
named. With ``TRUSTED_HOSTS`` set, any other host gets 400 and nothing happens."""

from urllib.parse import urlsplit

from sqlalchemy import func, select

from poll.database.models import Vote
from poll.extensions import db


def test_trusted_hosts_are_read_from_the_environment(database_url):
    from tests.conftest import make_app

    app = make_app(database_url, environ={"TRUSTED_HOSTS": "poll.news.example, .news.example"})
    assert app.config["TRUSTED_HOSTS"] == ["poll.news.example", ".news.example"]
    assert make_app(database_url).config["TRUSTED_HOSTS"] is None


def test_an_untrusted_host_gets_400_on_pages_and_json_and_nothing_is_stored(database_url, debate_poll):
    from tests.conftest import make_app

    app = make_app(database_url, environ={"TRUSTED_HOSTS": "poll.news.example"})
    client = app.test_client()
    evil = "http://evil.example"
    page = client.get("/", base_url=evil)
    assert page.status_code == 400
    assert "does not answer to that host name" in page.get_data(as_text=True)
    assert client.get(f"/polls/{debate_poll}/results.json", base_url=evil).status_code == 400
    vote = client.post(f"/polls/{debate_poll}/vote", data={"choice": "military"}, base_url=evil)
    assert vote.status_code == 400
    assert "Location" not in vote.headers
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Vote)) == 0


def test_a_trusted_host_is_served_and_redirects_stay_on_it(database_url, debate_poll):
    from tests.conftest import make_app

    app = make_app(database_url, environ={"TRUSTED_HOSTS": "poll.news.example"})
    client = app.test_client()
    assert client.get("/", base_url="http://poll.news.example").status_code == 200
    vote = client.post(
        f"/polls/{debate_poll}/vote", data={"choice": "military"}, base_url="http://poll.news.example"
    )
    assert vote.status_code == 302
    location = urlsplit(vote.headers["Location"])
    assert location.netloc in ("", "poll.news.example")
    assert location.path == f"/polls/{debate_poll}"

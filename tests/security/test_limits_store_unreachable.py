"""#27 item 8: with Redis (the shared rate-limit store) unreachable, votes,
comments and logins answered 500. Limits fail closed: a clear 503 with
Retry-After, nothing saved. Redis here is a real closed port, not a mock."""

import pytest

from poll.database.models import Comment, Vote
from poll.extensions import db

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": CLOSED_PORT}


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(model)).scalar()


@pytest.mark.parametrize(
    "path, data",
    [
        ("/polls/{slug}/vote", {"choice": "diplomacy"}),
        ("/polls/{slug}/comments", {"body": "Talks first.", "display_name": ""}),
        ("/admin/login", {"username": "mo", "password": "not the password"}),
    ],
    ids=["vote", "comment", "login"],
)
def test_a_write_is_refused_with_503_and_retry_after(app, client, debate_poll, path, data):
    response = client.post(path.format(slug=debate_poll), data=data)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "nothing was saved" in response.get_data(as_text=True)
    assert count(app, Vote) == 0 and count(app, Comment) == 0


def test_reading_still_works(client, debate_poll):
    assert client.get(f"/polls/{debate_poll}").status_code == 200

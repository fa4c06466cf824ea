"""Shared fixtures. The suite runs on SQLite, or on PostgreSQL when
TEST_DATABASE_URL is set."""

import os
import re
from datetime import timedelta

import pytest

from poll import create_app
from poll.db_types import utcnow
from poll.extensions import db
from poll.services.polls import create_poll, seed_debate_poll

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def database_url(tmp_path):
    return TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}"


def make_app(database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app_config():
    """Override in a module to change the app's configuration."""
    return {}


@pytest.fixture
def app(database_url, app_config):
    app = make_app(database_url, **app_config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def debate_poll(app):
    """The seeded article poll, open for voting."""
    with app.app_context():
        poll, _ = seed_debate_poll()
        db.session.commit()
        return poll.slug


@pytest.fixture
def make_poll(app):
    """Create a poll with three choices; keyword arguments override fields."""

    def factory(slug="test-poll", **fields):
        with app.app_context():
            fields.setdefault("opens_at", utcnow() - timedelta(hours=1))
            poll = create_poll(
                slug=slug,
                title=fields.pop("title", "Test poll"),
                question=fields.pop("question", "Which one?"),
                choices=fields.pop("choices", [("a", "Option A"), ("b", "Option B"), ("c", "Option C")]),
                **fields,
            )
            db.session.commit()
            return poll.slug

    return factory


def csrf_token_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "no CSRF token in page"
    return match.group(1)

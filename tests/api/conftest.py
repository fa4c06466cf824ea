"""Fixtures of the API's tests: keys of each scope, and calls made with one."""

import pytest

from poll.accounts import api_keys
from poll.database.column_types import utcnow
from poll.extensions import db


@pytest.fixture
def make_key(app):
    """A live key's text: ``make_key("polls")``."""

    def factory(scope: str = "read", name: str | None = None) -> str:
        with app.app_context():
            _, text = api_keys.create_key(name or f"{scope} tool", scope, None, utcnow())
            db.session.commit()
        return text

    return factory


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def read_key(make_key):
    return make_key("read")


@pytest.fixture
def polls_key(make_key):
    return make_key("polls")


@pytest.fixture
def moderate_key(make_key):
    return make_key("moderate")

"""The key rules (poll/accounts/api_keys.py): finding a key by what is presented, and scopes."""

from datetime import timedelta

from poll.accounts import api_keys
from poll.database.column_types import utcnow
from poll.extensions import db


def test_key_for_refuses_a_wrong_secret_and_malformed_keys(app):
    with app.app_context():
        _, key = api_keys.create_key("desk", "read", None, utcnow())
        db.session.commit()
        prefix = key.split("_")[1]
        forged = f"dpk_{prefix}_{'A' * 43}"
        for presented in (forged, "", "dpk_", key + "x", key.replace("dpk_", "xyz_"), key.upper()):
            assert api_keys.key_for(presented) is None, presented
        assert api_keys.key_for(key) is not None


def test_scopes(app):
    with app.app_context():
        read, _ = api_keys.create_key("r", "read", None, utcnow())
        polls, _ = api_keys.create_key("p", "polls", None, utcnow())
        moderate, _ = api_keys.create_key("m", "moderate", None, utcnow())
        assert [api_keys.allows(key, "read") for key in (read, polls, moderate)] == [True] * 3
        assert [api_keys.allows(key, "polls") for key in (read, polls, moderate)] == [False, True, False]
        assert [api_keys.allows(key, "moderate") for key in (read, polls, moderate)] == [False, False, True]


def test_last_use_is_written_at_most_once_a_minute(app):
    with app.app_context():
        key, _ = api_keys.create_key("desk", "read", None, utcnow())
        now = utcnow()
        assert api_keys.note_use(key, now) is True
        assert api_keys.note_use(key, now + timedelta(seconds=59)) is False
        assert key.last_used_at == now
        assert api_keys.note_use(key, now + timedelta(seconds=60)) is True

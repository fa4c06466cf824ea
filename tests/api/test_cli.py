"""`flask apikey` (poll/api/cli.py): keys made, listed and revoked on the server."""

import hashlib

import pytest
from sqlalchemy import text

from poll.accounts import api_keys
from poll.database.models import ApiKey, AuditEntry
from poll.extensions import db


def everything_stored(app) -> str:
    """Every value of every row of the tables that could hold a key, as one text."""
    with app.app_context():
        rows = [
            *db.session.execute(text("SELECT * FROM api_key")).all(),
            *db.session.execute(text("SELECT * FROM audit_entry")).all(),
        ]
    return "\n".join(str(value) for row in rows for value in row)


def test_cli_prints_the_key_once_on_the_last_line_and_stores_only_its_hash(app, runner):
    result = runner.invoke(args=["apikey", "create", "--name", "Graphics desk", "--scope", "read"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("dpk_")
    _, prefix, secret = key.split("_", 2)
    stored = everything_stored(app)
    assert secret not in stored and key not in stored
    assert hashlib.sha256(secret.encode()).hexdigest() in stored
    with app.app_context():
        row = db.session.execute(db.select(ApiKey)).scalar_one()
        assert (row.name, row.scope, row.prefix) == ("Graphics desk", "read", prefix)
        assert api_keys.key_for(key).id == row.id
        entry = db.session.execute(db.select(AuditEntry)).scalar_one()
        assert (entry.action, entry.actor, entry.target_id) == ("api_key.create", "command line", prefix)
    listed = runner.invoke(args=["apikey", "list"])
    assert (
        "Graphics desk" in listed.output and f"dpk_{prefix}" in listed.output and secret not in listed.output
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "", "--scope", "read"], "Please give the key a name"),
        (["--name", "x" * 41, "--scope", "read"], "40 characters or fewer"),
        (["--name", "bad\x00name", "--scope", "read"], "Use letters, digits"),
        (["--name", "ok", "--scope", "admin"], "admin"),
    ],
)
def test_cli_refuses_bad_names_and_scopes(app, runner, args, message):
    result = runner.invoke(args=["apikey", "create", *args])
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.execute(db.select(ApiKey)).first() is None


def test_cli_refuses_a_taken_name(app, runner):
    assert runner.invoke(args=["apikey", "create", "--name", "desk", "--scope", "read"]).exit_code == 0
    again = runner.invoke(args=["apikey", "create", "--name", "desk", "--scope", "polls"])
    assert again.exit_code != 0 and "already a key called 'desk'" in again.output


def test_cli_revoke_stops_the_key_and_is_audited(app, runner):
    key = runner.invoke(args=["apikey", "create", "--name", "desk", "--scope", "moderate"]).output.split()[-1]
    result = runner.invoke(args=["apikey", "revoke", "desk"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert api_keys.key_for(key) is None
        actions = db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
        assert actions == ["api_key.create", "api_key.revoke"]
    assert "revoked" in runner.invoke(args=["apikey", "list"]).output
    assert "already revoked" in runner.invoke(args=["apikey", "revoke", "desk"]).output
    assert "no API key called" in runner.invoke(args=["apikey", "revoke", "nobody"]).output

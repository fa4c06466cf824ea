"""Configuration from the environment."""

import stat

import pytest

from poll import create_app
from poll.config import database_url, engine_options, instance_secret_key


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_names_the_driver(raw, expected):
    assert database_url(raw, "/instance") == expected


def test_default_database_is_sqlite_in_the_instance_folder():
    assert database_url(None, "/srv/instance") == "sqlite:////srv/instance/debate_poll.sqlite3"


def test_secret_key_is_generated_once_and_private(tmp_path):
    first = instance_secret_key(str(tmp_path))
    assert len(first) == 64
    assert instance_secret_key(str(tmp_path)) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgres://someone@db/poll")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db/poll"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_test_config_wins():
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == "x"


def test_only_server_databases_ping_connections_on_checkout():
    assert engine_options("sqlite:////tmp/x.db") == {"connect_args": {"timeout": 10.0}}
    assert engine_options("postgresql+psycopg://u@h/db")["pool_pre_ping"] is True


def test_engine_options_follow_the_final_database_url(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@h/db"})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == {
        "pool_pre_ping": True,
        "pool_size": 5,
        "max_overflow": 10,
    }


def test_a_process_holds_at_most_its_pool_and_overflow_of_server_connections(database_url):
    """The bound is real: with a pool of 1 and 1 more, a third connection waits and times out."""
    from sqlalchemy import text
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from poll.extensions import db

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite files are not pooled this way")
    app = create_app(
        {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": database_url},
        {"DATABASE_POOL_SIZE": "1", "DATABASE_MAX_OVERFLOW": "1"},
    )
    with app.app_context():
        db.engine.pool._timeout = 0.1  # noqa: SLF001 (a short wait: the refusal is what is asserted)
        held = [db.engine.connect(), db.engine.connect()]
        try:
            for connection in held:
                assert connection.execute(text("SELECT 1")).scalar() == 1
            with pytest.raises(PoolTimeout):
                db.engine.connect()
        finally:
            for connection in held:
                connection.close()
            db.engine.dispose()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PROXY_COUNT", "one"),
        ("PROXY_COUNT", "-1"),
        ("VOTE_BURST_THRESHOLD", "0"),
        ("VOTE_BURST_THRESHOLD", "2.5"),
        ("TAGGING_BACKLOG_BATCH", "-1"),
        ("TAGGING_BACKLOG_BATCH", "many"),
    ],
)
def test_a_bad_whole_number_setting_stops_start_up_naming_it(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=f"{name} must be a whole number of at least"):
        create_app()


def test_whole_number_settings_are_read(monkeypatch):
    monkeypatch.setenv("PROXY_COUNT", "2")
    monkeypatch.setenv("VOTE_BURST_THRESHOLD", " 7 ")
    app = create_app()
    assert (app.config["PROXY_COUNT"], app.config["VOTE_BURST_THRESHOLD"]) == (2, 7)


def test_timezone_is_an_iana_name_defaulting_to_utc():
    from poll.config import Config

    assert Config("/instance", {}).TIMEZONE == "UTC"
    assert Config("/instance", {"TIMEZONE": " Asia/Seoul "}).TIMEZONE == "Asia/Seoul"


@pytest.mark.parametrize("value", ["Mars/Olympus", "Europe", "../../etc/passwd", "UTC\x00", "+09:00"])
def test_a_bad_timezone_stops_start_up_naming_it(value):
    from poll.config import Config

    with pytest.raises(ValueError, match="TIMEZONE must be an IANA time zone name"):
        Config("/instance", {"TIMEZONE": value})

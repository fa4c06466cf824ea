"""Tests must give the same answer in any shell: ``create_app(test_config)``
used to read the environment (with ``HTTPS=1`` set, eight tests failed) and
wrote ``instance/secret_key`` into the checkout."""

import pytest

import poll.config
from poll import create_app

DEVELOPER_SHELL = {
    "HTTPS": "1",
    "SECRET_KEY": "from-the-shell",
    "DATABASE_URL": "postgresql://someone@elsewhere/production",
    "RATELIMIT_STORAGE_URI": "redis://elsewhere:6379",
    "PROXY_COUNT": "2",
    "TRUSTED_HOSTS": "poll.news.example",
    "TAGGING": "queue",
}


@pytest.fixture
def developer_shell(monkeypatch):
    for name, value in DEVELOPER_SHELL.items():
        monkeypatch.setenv(name, value)


def test_a_test_config_ignores_the_shells_settings(developer_shell):
    app = create_app({"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    config = app.config
    assert config["HTTPS"] is False and config["SESSION_COOKIE_SECURE"] is False
    assert (config["SECRET_KEY"], config["SQLALCHEMY_DATABASE_URI"]) == ("test", "sqlite://")
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert (config["PROXY_COUNT"], config["TRUSTED_HOSTS"], config["TAGGING"]) == (0, None, "queue")
    assert app.test_client().get("/", base_url="http://localhost").status_code != 302


def test_a_test_config_can_name_its_environment(developer_shell):
    app = create_app({"SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"}, {"HTTPS": "1"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_the_real_app_still_reads_the_environment(developer_shell):
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-shell"
    assert app.config["HTTPS"] is True


def test_no_key_is_written_when_the_config_gives_one(monkeypatch, tmp_path):
    def must_not_run(instance_path):
        raise AssertionError("a secret key was generated into the instance folder")

    monkeypatch.setattr(poll.config, "instance_secret_key", must_not_run)
    monkeypatch.setattr("poll.instance_secret_key", must_not_run)
    create_app({"SECRET_KEY": "given", "SQLALCHEMY_DATABASE_URI": "sqlite://"})

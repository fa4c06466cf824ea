"""Debate Poll: an audience poll and debate moderation service."""

from collections.abc import Mapping
from pathlib import Path

from flask import Flask

from poll import admin
from poll.accounts.audit import register_audit_guard
from poll.api import init_api
from poll.cli import Commands, register_commands
from poll.config import (
    PASSWORD_HASH_METHOD,
    Config,
    engine_options,
    instance_secret_key,
    load_served_settings,
)
from poll.debate import views as debate_views
from poll.debate.tagging_queue import init_tagging_queue
from poll.extensions import csrf, db, init_limiter, login_manager, register_sqlite_pragmas
from poll.polls import api as polls_api
from poll.polls import embed
from poll.polls import views as poll_views
from poll.voters.cookie import set_voter_cookie
from poll.web.errors import register_error_handlers
from poll.web.frame_cookies import FrameAwareSessions
from poll.web.languages import init_languages
from poll.web.page_cache import init_page_cache
from poll.web.request_checks import reject_unreadable_input
from poll.web.row_ids import RowIdConverter
from poll.web.security import init_security, trust_proxies
from poll.web.template_filters import register_template_filters

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None, environ: Mapping[str, str] | None = None) -> Flask:
    """The app. With ``test_config``, settings come from it alone (and from
    ``environ`` if given): the shell's environment and instance/config.py are
    ignored, as a test must give the same answer in any shell."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.cli = Commands(app)
    app.session_interface = FrameAwareSessions()
    load_config(app, test_config, environ)
    # First of all hooks: CSRF checking parses the form, after which the raw
    # body is gone and undecodable bytes can no longer be told apart.
    app.before_request(reject_unreadable_input)
    register_extensions(app)
    app.url_map.converters["id"] = RowIdConverter  # before the blueprints' rules are read
    register_blueprints(app)
    register_hooks(app)
    register_error_handlers(app)
    register_commands(app)
    trust_proxies(app)
    return app


def load_config(app: Flask, test_config: dict | None, environ: Mapping[str, str] | None) -> None:
    """Environment first, then instance/config.py, then the test mapping."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if test_config is None:
        load_served_settings(app.config, app.instance_path, environ)
    else:
        app.config.from_mapping(Config(app.instance_path, environ or {}).as_dict())
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    app.config.setdefault("MIGRATIONS_DIRECTORY", str(PROJECT_ROOT / "migrations"))
    if app.config["PASSWORD_HASH_METHOD"] != PASSWORD_HASH_METHOD and not app.config.get("TESTING"):
        raise ValueError("PASSWORD_HASH_METHOD other than scrypt is for the test suite only (TESTING)")
    # Derived from the final database URL, whichever layer set it.
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS",
        engine_options(
            app.config["SQLALCHEMY_DATABASE_URI"],
            pool_size=app.config["DATABASE_POOL_SIZE"],
            max_overflow=app.config["DATABASE_MAX_OVERFLOW"],
        ),
    )


def register_extensions(app: Flask) -> None:
    register_sqlite_pragmas()
    db.init_app(app)
    csrf.init_app(app)
    init_limiter(app)
    login_manager.init_app(app)
    init_languages(app)
    register_audit_guard()
    init_security(app)
    init_tagging_queue(app)
    init_page_cache(app)


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(poll_views.bp)
    app.register_blueprint(debate_views.bp)
    app.register_blueprint(embed.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(polls_api.bp)
    init_api(app)


def register_hooks(app: Flask) -> None:
    register_template_filters(app)
    app.after_request(set_voter_cookie)

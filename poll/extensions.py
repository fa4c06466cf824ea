"""Flask extensions, created unbound and bound in ``create_app``."""

import sqlite3
from typing import TYPE_CHECKING

from flask import Flask, current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep migrations reviewable and reversible,
# and SQLite's batch mode needs names to drop constraints.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:
    # A type checker cannot take `db.Model` (made when `db` is) as a base class; to it the models
    # derive from the declarative base that `db.Model` is made from, which is what they use of it.
    Model = Base
else:
    Model = db.Model
csrf = CSRFProtect()
# Bound with its locale selector by poll.web.languages.init_languages.
babel = Babel()


class PerAppTalisman(Talisman):
    """Flask-Talisman whose per-view options do not leak between apps.

    Flask-Talisman 1.1.0 fills a decorated view's options with the *first*
    app's settings in place (``setdefault`` on the dict stored on the view
    function), so a later app in the same process, such as one served with
    HTTPS=1, would inherit that app's ``force_https=False`` for those views.
    Here the view's own options are laid over this app's settings, read fresh.
    """

    def _get_local_options(self) -> dict:
        view = current_app.view_functions.get(request.endpoint or "")
        return {
            "force_https": self.force_https,
            "frame_options": self.frame_options,
            "frame_options_allow_from": self.frame_options_allow_from,
            "content_security_policy": self.content_security_policy,
            "content_security_policy_nonce_in": self.content_security_policy_nonce_in,
            "permissions_policy": self.permissions_policy,
            "document_policy": self.document_policy,
            "feature_policy": self.feature_policy,
            **getattr(view, "talisman_view_options", {}),
        }

    def _set_referrer_policy_headers(self, headers) -> None:
        """Flask-Talisman 1.1.0 sets one Referrer-Policy for every view; here a view may choose
        its own (a page whose address is a secret sends none: poll.debate.views.comment_status)."""
        view = current_app.view_functions.get(request.endpoint or "")
        options = getattr(view, "talisman_view_options", {})
        headers["Referrer-Policy"] = options.get("referrer_policy", self.referrer_policy)


talisman = PerAppTalisman()
login_manager = LoginManager()
login_manager.login_view = "admin.login"
login_manager.login_message = "Please log in to see the moderation pages."
login_manager.login_message_category = "warning"
# Flask-Login's "strong" protection rewrites every anonymous session (and sends a
# remember-cookie deletion) on each page view. Sessions are server-side rows instead
# (poll.accounts.sessions), ended on logout.
login_manager.session_protection = None

# Storage comes from RATELIMIT_STORAGE_URI: memory:// alone, redis:// when workers must share counts.
limiter = Limiter(key_func=get_remote_address)


READ_METHODS = ("GET", "HEAD", "OPTIONS")


@limiter.request_filter
def reads_are_never_limited() -> bool:
    """Every limit guards a POST (votes, comments, logins); skipping the limit
    lookup for reads spares each page view and results poll its cost."""
    return request.method in READ_METHODS


def init_limiter(app: Flask) -> None:
    """Flask-Limiter, with its before_request check run for writes only.

    That check costs ~0.1 ms a request even when the request filter above
    exempts it (a fifth of a results.json answer, measured with cProfile);
    decorated limits are checked again in their views' wrappers either way.
    Flask-Limiter's hook (the private ``Limiter._check_request_limit``, named
    beside its pin in requirements.txt) is swapped for one that skips reads;
    if a new release renames it, ``list.index`` fails here, at start-up.
    """
    limiter.init_app(app)
    if not app.config.get("RATELIMIT_ENABLED", True):
        return  # Flask-Limiter adds no hooks at all then
    hooks = app.before_request_funcs.setdefault(None, [])
    position = hooks.index(limiter._check_request_limit)

    def check_limits_of_writes() -> None:
        if request.method not in READ_METHODS:
            limiter._check_request_limit()

    check_limits_of_writes.checks_writes_only = True  # type: ignore[attr-defined]  # a mark tests look for
    hooks[position] = check_limits_of_writes


MIGRATIONS_COMMAND = "db"


def init_migrations(app: Flask) -> None:
    """Bind Flask-Migrate to ``app``, which adds the ``flask db`` commands.

    Called when those commands are first asked for (``poll.cli.Commands``), not
    by ``create_app``: importing Flask-Migrate loads Alembic, which would cost
    every worker and every other command ~0.13 s and ~11 MiB it never uses.
    """
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    Migrate(
        app,
        db,
        directory=app.config["MIGRATIONS_DIRECTORY"],
        command=MIGRATIONS_COMMAND,
        render_as_batch=True,
        compare_type=True,
    )


def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """WAL lets readers work while a vote is written; SQLite leaves foreign keys
    off by default. (The busy timeout, which makes writers queue instead of
    failing, is the driver's ``timeout`` in the engine options.)"""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def register_sqlite_pragmas() -> None:
    if not event.contains(Engine, "connect", _configure_sqlite):
        event.listen(Engine, "connect", _configure_sqlite)

"""One SQLAlchemy engine per test process for the tests' own database, instead of one per test.

Every test builds an app, and each app's engine would compile every statement it runs afresh:
SQLAlchemy caches compiled statements per engine, and compiling was about a sixth of the quick loop.
The apps of one test process that use its database (``PROCESS_DATABASE_URL`` in tests/conftest.py)
with the same engine options share one engine, so a statement is compiled once per process. Each test
still starts on an empty database (tests/conftest.py disposes of the engine's connections, then copies
the empty schema to a fresh file, or empties the tables on PostgreSQL) and disposes of the connections
when it ends. Any other database a test uses gets an engine of its own, as served.

``SQLAlchemy._make_engine`` is Flask-SQLAlchemy's private API, noted beside its pin in pyproject.toml.
"""

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import make_url
from sqlalchemy.engine import Engine

_shared: dict[str, Engine] = {}


def share_the_process_databases_engine(process_database_url: str) -> None:
    """Apps on ``process_database_url`` with the same engine options get the same engine."""
    make_engine = SQLAlchemy._make_engine
    wanted = make_url(process_database_url).render_as_string(hide_password=False)

    def shared_engine(self, bind_key, options, app) -> Engine:
        url = make_url(options["url"]).render_as_string(hide_password=False)
        if url != wanted:
            return make_engine(self, bind_key, options, app)
        key = repr(sorted((name, repr(value)) for name, value in options.items()))
        if key not in _shared:
            _shared[key] = make_engine(self, bind_key, options, app)
        return _shared[key]

    SQLAlchemy._make_engine = shared_engine  # type: ignore[method-assign]

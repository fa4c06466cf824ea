"""Shared fixtures. The suite runs on SQLite, or on PostgreSQL when
TEST_DATABASE_URL is set. `make test` runs it in one process per core
(pytest-xdist): each PostgreSQL worker gets a database of its own."""

import os
import re
import shutil
import tempfile
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import FileSystemBytecodeCache
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import ProgrammingError

from poll import create_app
from poll.database.column_types import utcnow
from poll.extensions import db
from poll.polls.debate_poll import seed_debate_poll
from poll.polls.editing import create_poll
from tests.engines import share_the_process_databases_engine
from tests.url_builders import compile_each_builder_once

# Half of building an app is werkzeug compiling each route's URL builders; every test builds one.
compile_each_builder_once()


def worker_database_url(server_url: str | None, worker: str | None) -> str | None:
    """The database this test process uses on the server: its own under
    pytest-xdist (tests create and drop tables, so two workers cannot share
    one), made empty here. Without a worker name, ``server_url`` itself."""
    if not server_url or not worker:
        return server_url
    url = make_url(server_url)
    if url.database.endswith(f"_{worker}"):  # a process this worker started: its database is made
        return server_url
    name = f"{url.database}_{worker}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with closing(engine.connect()) as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


SERVER_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
TEST_DATABASE_URL = worker_database_url(SERVER_DATABASE_URL, XDIST_WORKER)
if TEST_DATABASE_URL:  # processes the tests start (workers, commands) use the same database
    os.environ["TEST_DATABASE_URL"] = TEST_DATABASE_URL
# This test process's database: its PostgreSQL one, else one SQLite file (a fresh copy of the empty
# schema for each test, create_tables).
PROCESS_SQLITE_FILE = Path(tempfile.mkdtemp(prefix="debate-poll-database-")) / "test.sqlite3"
PROCESS_DATABASE_URL = TEST_DATABASE_URL or f"sqlite:///{PROCESS_SQLITE_FILE}"
# A statement is compiled once per test process, not once per test (tests/engines.py).
share_the_process_databases_engine(PROCESS_DATABASE_URL)


def tool_missing(message: str):
    """A tool the suite needs is not installed: under `make test` (which installs them all, and sets
    REQUIRE_TEST_TOOLS) or in CI that is a failure; a bare `pytest` skips, saying how to get it."""
    if os.environ.get("REQUIRE_TEST_TOOLS") or os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def pytest_configure(config):
    """The readers' catalogs compiled as `make install` compiles them, so that a bare `pytest` in a
    fresh checkout (no .mo files: they are built, never committed) draws the pages in every language."""
    compile_catalogs()


def compile_catalogs() -> None:
    for source in (Path(__file__).resolve().parent.parent / "poll" / "translations").glob(
        "*/LC_MESSAGES/*.po"
    ):
        compiled = source.with_suffix(".mo")
        if compiled.exists() and compiled.stat().st_mtime >= source.stat().st_mtime:
            continue
        with source.open("rb") as po:
            catalog = read_po(po)
        # Written aside and moved in: pytest-xdist's workers may compile the same catalog at once.
        partial = compiled.with_name(f"{compiled.name}.{os.getpid()}")
        with partial.open("wb") as mo:
            write_mo(mo, catalog)
        partial.replace(compiled)


def pytest_unconfigure(config):
    """Drop this worker's database (CI keeps its server between runs)."""
    if TEST_DATABASE_URL and TEST_DATABASE_URL != SERVER_DATABASE_URL:
        name = make_url(TEST_DATABASE_URL).database
        engine = create_engine(make_url(SERVER_DATABASE_URL), isolation_level="AUTOCOMMIT")
        with closing(engine.connect()) as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.hookimpl(trylast=True)  # after tests/browser/conftest.py marks its tests slow
def pytest_collection_modifyitems(config, items):
    """Slow tests first (load runs first of all), so that pytest-xdist spreads them over its
    processes from the start instead of leaving one process busy with a 40 s load run at the end."""
    items.sort(key=lambda item: (item.path.name != "test_load.py", item.get_closest_marker("slow") is None))


CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


TEMPLATE_BYTECODE_CACHE = FileSystemBytecodeCache(tempfile.mkdtemp(prefix="debate-poll-templates-"))
PROCESS_TASK_QUEUE = Path(tempfile.mkdtemp(prefix="debate-poll-tasks-")) / "tasks.sqlite3"


@pytest.fixture
def database_url():
    """This test process's database, emptied for each test (``create_tables``)."""
    return PROCESS_DATABASE_URL


def make_app(database_url: str, environ: dict | None = None, **overrides):
    """The app under test: ``overrides`` on top of the test settings, and
    ``environ`` standing in for the environment variables (the shell's own are
    never read)."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Tagged in the request, so that a test sees tags at once; tests/debate/test_tagging_queue.py runs the queue.
        "TAGGING": "inline",
        # One cheap hash instead of scrypt's 0.1 s: three per test that logs in (a served app refuses this).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
        # A task a test queues (an alert after an admin action, say) goes to a file of this test
        # process, never to the checkout's instance/tasks.sqlite3; tests of the queues give their own.
        "TASK_QUEUE_URL": f"sqlite:///{PROCESS_TASK_QUEUE}",
    }
    config.update(overrides)
    app = create_app(config, environ)
    # Every test builds its own app, and each app's Jinja environment would parse and compile every
    # template it renders again (a third of the suite's time): this test process compiles each once.
    app.jinja_env.bytecode_cache = TEMPLATE_BYTECODE_CACHE
    return app


@pytest.fixture
def app_config():
    """Override in a module to change the app's configuration."""
    return {}


# Server databases whose tables this process has built, each with the statements that empty them:
# later tests run those (~17 ms) instead of dropping and creating the tables again (~80 ms). DELETE
# and restarted sequences, not TRUNCATE, which takes ~115 ms for 21 tables however few rows they hold.
BUILT_SERVER_DATABASES: dict[str, str] = {}


def emptying_statements() -> str:
    """Every table's rows deleted, children first, and every sequence started again (ids from 1)."""
    deletes = [f'DELETE FROM "{table.name}"' for table in reversed(db.metadata.sorted_tables)]
    sequences = db.session.execute(
        text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
    ).scalars()
    return "; ".join([*deletes, *(f'ALTER SEQUENCE "{name}" RESTART' for name in sequences)])


# An empty SQLite database with every table, built once per test process: each test's database file
# is a copy of it (~1 ms) instead of tables created one by one (~80 ms) and dropped after (~35 ms).
SQLITE_TEMPLATE: Path | None = None


def sqlite_template() -> Path:
    global SQLITE_TEMPLATE
    if SQLITE_TEMPLATE is None:
        path = Path(tempfile.mkdtemp(prefix="debate-poll-schema-")) / "empty.sqlite3"
        engine = create_engine(f"sqlite:///{path}")
        db.metadata.create_all(engine)
        engine.dispose()  # the last connection closed: the file holds the whole schema
        SQLITE_TEMPLATE = path
    return SQLITE_TEMPLATE


def create_tables(app) -> None:
    """Empty tables for ``app`` (whatever an earlier test on this database left)."""
    with app.app_context():
        if is_sqlite_file(db.engine.url):
            db.session.remove()
            db.engine.dispose()
            target = Path(db.engine.url.database)
            # Unlinked, not written over: a connection an earlier test left open keeps its own file.
            for leftover in (
                target,
                target.with_name(target.name + "-wal"),
                target.with_name(target.name + "-shm"),
            ):
                leftover.unlink(missing_ok=True)
            shutil.copyfile(sqlite_template(), target)
            return
        url = db.engine.url.render_as_string(hide_password=False)
        if db.engine.dialect.name == "postgresql" and url in BUILT_SERVER_DATABASES:
            try:
                db.session.connection().exec_driver_sql(BUILT_SERVER_DATABASES[url])
                db.session.commit()
                return
            except ProgrammingError:  # a test dropped tables or sequences itself: build them again
                db.session.rollback()
        db.drop_all()
        db.create_all()
        if db.engine.dialect.name == "postgresql":
            BUILT_SERVER_DATABASES[url] = emptying_statements()
            db.session.commit()


def drop_tables(app) -> None:
    """Close ``app``'s connections, and drop its tables unless the next test empties them."""
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name != "postgresql" and not is_sqlite_file(db.engine.url):
            db.drop_all()
        db.engine.dispose()


def is_sqlite_file(url) -> bool:
    """A SQLite database in a file: the next test copies the empty template over it, so nothing to drop."""
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


@pytest.fixture
def app(database_url, app_config):
    app = make_app(database_url, **app_config)
    create_tables(app)
    yield app
    drop_tables(app)


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


PASSWORD = "correct horse battery staple"


@pytest.fixture
def accounts(app):
    """An admin ("ada") and a moderator ("mo"), both with PASSWORD."""
    from poll.accounts import moderators

    with app.app_context():
        moderators.add("ada", PASSWORD, "admin", utcnow())
        moderators.add("mo", PASSWORD, "moderator", utcnow())
        db.session.commit()
    return {"admin": "ada", "moderator": "mo"}


def login(client, username: str, password: str = PASSWORD):
    return client.post("/admin/login", data={"username": username, "password": password})


@pytest.fixture
def admin_client(app, accounts):
    client = app.test_client()
    assert login(client, "ada").status_code == 302
    return client


@pytest.fixture
def moderator_client(app, accounts):
    client = app.test_client()
    assert login(client, "mo").status_code == 302
    return client


@pytest.fixture
def make_comment(app, debate_poll):
    """Store a comment through the real service; returns its id."""
    from poll.debate.comments import post_comment
    from poll.polls.finding import poll_by_slug

    def factory(body="Talks are the way forward.", slug=None, voter="v" * 32, ip="", status=None):
        with app.app_context():
            comment = post_comment(poll_by_slug(slug or debate_poll), voter, body, "", ip, utcnow())
            if status:
                comment.status = status
            db.session.commit()
            return comment.id

    return factory

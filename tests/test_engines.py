"""The test processes' shared engine (tests/engines.py): apps on this process's database share one
engine (so SQLAlchemy compiles a statement once per process), any other database gets its own, and
each test still starts on an empty database."""

from sqlalchemy import func, select

from poll.database.models import Poll
from poll.extensions import db
from tests.conftest import PROCESS_DATABASE_URL, create_tables, make_app


def engine_of(app):
    with app.app_context():
        return db.engine


def test_apps_on_the_process_database_share_an_engine_and_other_databases_get_their_own(app, tmp_path):
    assert engine_of(app).url.render_as_string(hide_password=False) == PROCESS_DATABASE_URL
    assert engine_of(make_app(PROCESS_DATABASE_URL)) is engine_of(app)
    elsewhere = make_app(f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}")
    assert engine_of(elsewhere) is not engine_of(app)


def test_the_next_test_starts_empty_even_beside_a_connection_left_open(app, make_poll):
    count = select(func.count()).select_from(Poll)
    make_poll()
    with app.app_context():
        left_open = db.engine.connect()  # as a thread of an earlier test might leave one
        assert left_open.execute(count).scalar() == 1
        left_open.rollback()
    create_tables(make_app(PROCESS_DATABASE_URL))  # what the next test's fixture does first
    with app.app_context():
        assert db.session.execute(count).scalar() == 0
    # The connection left open still reads (on SQLite the file it had; it is not written over).
    assert left_open.execute(count).scalar() in (0, 1)
    left_open.close()

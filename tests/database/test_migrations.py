"""Migrations build exactly the schema the models describe."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from poll import PROJECT_ROOT
from poll.database.column_types import utcnow
from poll.database.models import FLAG_STANCE_VOTE_MISMATCH, Comment, Vote
from poll.extensions import db, init_migrations
from poll.tagging import TAGGER_VERSION
from poll.vocabulary import NEVER_SURE
from poll.voters.cookie import VOTER_COOKIE, sign_voter_token
from poll.voters.pseudonyms import voter_id_for
from tests.conftest import TEST_DATABASE_URL, make_app

MIGRATIONS = PROJECT_ROOT / "migrations"


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with no tables: a new SQLite file, or a new PostgreSQL schema."""
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    schema = f"migration_check_{uuid.uuid4().hex[:12]}"
    admin = create_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in TEST_DATABASE_URL else "?"
    yield f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def app_with_migrations(database_url: str):
    app = make_app(database_url)
    init_migrations(app)
    return app


def migration_heads() -> list[str]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_heads()


def test_there_is_exactly_one_head():
    assert len(migration_heads()) == 1


def test_upgrade_on_empty_database_matches_the_models(empty_database_url):
    app = app_with_migrations(empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
            tables = set(inspect(connection).get_table_names())
        db.engine.dispose()
    assert differences == []
    assert set(db.metadata.tables) <= tables


def test_downgrade_to_base_removes_every_table(empty_database_url):
    app = app_with_migrations(empty_database_url)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            remaining = set(inspect(connection).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert remaining == set()


def test_voter_ids_stored_as_tokens_are_rewritten_so_browsers_keep_their_votes(empty_database_url):
    """Revision adeb00b116f9: rows stored with the browser's raw token become its keyed hash."""
    app = app_with_migrations(empty_database_url)
    token = "a1" * 16
    with app.app_context():
        upgrade(revision="081b9ae4412d")
        now = utcnow()
        stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
        # Written as that revision's columns, not through today's models.
        db.session.execute(
            text(
                "INSERT INTO poll (id, slug, title, question, summary, opens_at, results_visibility,"
                " moderation_mode, is_featured, created_at)"
                " VALUES (1, 'before', 'Before', 'Which?', '', :now, 'after_vote', 'pre', false, :now)"
            ),
            {"now": stamp},
        )
        db.session.execute(
            text(
                "INSERT INTO choice (id, poll_id, key, label, position, vote_count)"
                " VALUES (1, 1, 'yes', 'Yes', 0, 0), (2, 1, 'no', 'No', 1, 1)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO vote (poll_id, choice_id, voter_id, created_at, updated_at)"
                " VALUES (1, 2, :voter, :now, :now)"
            ),
            {"voter": token, "now": stamp},
        )
        # Written as that revision's columns, not through today's model.
        db.session.execute(
            text(
                "INSERT INTO comment (poll_id, voter_id, ip_hash, display_name, body, status, created_at,"
                " stance, stance_confidence, stance_cues, sentiment, compound, tagger_version)"
                " VALUES (:poll, :voter, '', '', 'Talks are the way.', 'pending', :now,"
                " 'diplomacy', 0.9, '[]', 'neutral', 0.0, 'stance-rules-1')"
            ),
            {"poll": 1, "voter": token, "now": stamp},
        )
        db.session.commit()
        upgrade()
        stored = {
            db.session.scalar(db.select(Vote.voter_id)),
            db.session.scalar(db.select(Comment.voter_id)),
        }
        expected = voter_id_for(token)
        cookie = sign_voter_token(token)
        db.session.remove()
        db.engine.dispose()
    assert stored == {expected}
    client = app.test_client()
    client.set_cookie(VOTER_COOKIE, cookie)
    assert client.get("/polls/before/results.json").get_json()["my_choice"] == "no"
    with app.app_context():
        db.engine.dispose()


@pytest.mark.slow
def test_the_app_starts_without_alembic_and_flask_db_still_works(tmp_path):
    """Flask-Migrate (and Alembic) load only for ``flask db``: a worker or another
    command starts without them, ``flask --help`` lists ``db``, and it works."""
    import os
    import sqlite3
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "SECRET_KEY": "k" * 32}
    check = "import sys, wsgi; print('alembic' in sys.modules)"
    served = subprocess.run(
        [sys.executable, "-c", check], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert served.stdout.strip() == "False", served.stderr
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    listed = subprocess.run([*flask, "--help"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert "Perform database migrations." in listed.stdout
    upgraded = subprocess.run(
        [*flask, "db", "upgrade"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    assert upgraded.returncode == 0, upgraded.stderr
    # At the head (read here rather than by a fourth command, 2-3 s each).
    with sqlite3.connect(tmp_path / "cli.sqlite3") as stored:
        [(revision,)] = stored.execute("SELECT version_num FROM alembic_version").fetchall()
    assert [revision] == migration_heads()


def insert_poll(slug: str) -> str:
    """Poll 1, as a revision's raw SQL sees it (the models may describe a later schema); returns the
    timestamp it was stored with, for rows that go with it."""
    stamp = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
    db.session.execute(
        text(
            "INSERT INTO poll (id, slug, title, question, summary, opens_at, results_visibility,"
            " moderation_mode, is_featured, created_at)"
            " VALUES (1, :slug, :slug, 'Which?', '', :now, 'always', 'pre', false, :now)"
        ),
        {"slug": slug, "now": stamp},
    )
    return stamp


def test_counters_move_into_slots_exactly_and_back_on_downgrade(empty_database_url):
    """Revision 44fb38311bb3: each choice's vote_count becomes slot 0 of its counters."""
    app = app_with_migrations(empty_database_url)
    with app.app_context():
        upgrade(revision="b533f3081c2d")
        insert_poll("counted")
        db.session.execute(
            text(
                "INSERT INTO choice (id, poll_id, key, label, position, vote_count)"
                " VALUES (1, 1, 'yes', 'Yes', 0, 41), (2, 1, 'no', 'No', 1, 0), (3, 1, 'maybe', 'Maybe', 2, 7)"
            )
        )
        db.session.commit()
        upgrade()
        slots = db.session.execute(text("SELECT choice_id, slot, vote_count FROM choice_vote_slot")).all()
        db.session.remove()
    assert sorted(slots) == [(1, 0, 41), (2, 0, 0), (3, 0, 7)]
    body = app.test_client().get("/polls/counted/results.json").get_json()
    assert [(row["key"], row["votes"]) for row in body["choices"]] == [("yes", 41), ("no", 0), ("maybe", 7)]
    with app.app_context():
        db.session.execute(text("INSERT INTO choice_vote_slot VALUES (1, 5, 2), (3, 9, -1)"))
        db.session.commit()
        downgrade(revision="b533f3081c2d")
        counts = db.session.execute(text("SELECT id, vote_count FROM choice ORDER BY id")).all()
        db.session.remove()
        db.engine.dispose()
    assert counts == [(1, 43), (2, 0), (3, 6)]


def test_comments_an_older_poll_head_tagged_are_never_sure_after_the_upgrade(empty_database_url):
    """Revision 555aa9e30b02: a poll's own head's comments stop borrowing the English threshold, and the
    mismatch flags it gave them go."""
    app = app_with_migrations(empty_database_url)
    with app.app_context():
        upgrade(revision="0b557473b1b4")
        stamp = insert_poll("car-free")
        for comment_id, version in ((1, "poll-1-2+incivility-mp-1/vader-3.3.2"), (2, TAGGER_VERSION)):
            db.session.execute(
                text(
                    "INSERT INTO comment (id, poll_id, voter_id, ip_hash, display_name, body, status, created_at,"
                    " stance, stance_confidence, stance_cues, sentiment, compound, uncivil, tagger_version,"
                    " decision_reason) VALUES (:id, 1, 'v', '', '', 'Close it.', 'approved', :now, 'yes',"
                    " 0.97, '[]', 'neutral', 0.0, false, :version, '')"
                ),
                {"id": comment_id, "now": stamp, "version": version},
            )
        db.session.execute(
            text("INSERT INTO comment_flag (comment_id, flag) VALUES (1, :flag), (2, :flag)"),
            {"flag": FLAG_STANCE_VOTE_MISMATCH},
        )
        db.session.commit()
        upgrade()
        stored = db.session.execute(text("SELECT id, stance_sure_from FROM comment ORDER BY id")).all()
        flagged = db.session.execute(text("SELECT comment_id FROM comment_flag")).scalars().all()
        db.session.remove()
        db.engine.dispose()
    assert stored == [(1, NEVER_SURE), (2, None)]
    assert flagged == [2]  # the shipped heads' sure stance keeps its flag

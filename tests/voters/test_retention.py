"""Issue 13, finding 7: address hashes are kept only ADDRESS_RETENTION_DAYS, under
keys that rotate daily and are deleted with them (`flask purge`)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, text

from poll.config import Config
from poll.database.column_types import utcnow
from poll.database.models import AddressKey, AuditEntry, Comment, Vote
from poll.debate.comments import post_comment
from poll.extensions import db, init_migrations
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote
from poll.voters import pseudonyms
from poll.voters.retention import purge
from tests.conftest import make_app
from tests.database.test_migrations import empty_database_url  # noqa: F401 (a fixture)

ADDRESS = "203.0.113.7"
SESSION_IDLE_LIMIT = timedelta(hours=8)
ADDRESS_KEY_REVISION_PARENT = "865730f2a091"  # the revision before address keys


@pytest.fixture
def old_poll(make_poll):
    return make_poll("long-running", opens_at=utcnow() - timedelta(days=90))


def store_vote_and_comment(app, slug: str, voter: str, when: datetime) -> None:
    """A vote and a comment by ``voter`` from ADDRESS at ``when``, hashed with that day's key."""
    with app.app_context():
        poll = poll_by_slug(slug)
        address = pseudonyms.ip_hash(ADDRESS, when)
        cast_vote(poll, poll.choices[0], voter, when, address)
        post_comment(poll, voter, f"Comment by {voter}.", "", address, when)
        db.session.commit()


def stored_hashes(app) -> tuple[dict[str, str | None], dict[str, str]]:
    with app.app_context():
        votes = dict(db.session.execute(db.select(Vote.voter_id, Vote.ip_hash)).all())
        comments = dict(db.session.execute(db.select(Comment.voter_id, Comment.ip_hash)).all())
    return votes, comments


def key_days(app) -> list[datetime]:
    with app.app_context():
        return list(db.session.scalars(db.select(AddressKey.starts_at).order_by(AddressKey.starts_at)))


def test_purge_clears_old_address_hashes_and_keeps_recent_ones(app, old_poll):
    now = utcnow()
    store_vote_and_comment(app, old_poll, "old" * 10 + "aa", now - timedelta(days=31))
    store_vote_and_comment(app, old_poll, "new" * 10 + "aa", now - timedelta(days=29))
    with app.app_context():
        counts = purge(now, retention_days=30, session_idle_limit=SESSION_IDLE_LIMIT)
        db.session.commit()
    assert counts["vote_address_hashes"] == 1
    assert counts["comment_address_hashes"] == 1
    votes, comments = stored_hashes(app)
    assert votes["old" * 10 + "aa"] is None and comments["old" * 10 + "aa"] == ""
    assert votes["new" * 10 + "aa"] and comments["new" * 10 + "aa"]
    # The votes and comments themselves stay.
    assert len(votes) == 2 and len(comments) == 2


def test_a_vote_changed_recently_still_loses_the_hash_of_its_old_first_cast(app, old_poll):
    """The hash records the address that first cast the vote, under that day's
    key (deleted with it): a later change of mind does not make it younger."""
    now = utcnow()
    voter = "c" * 32
    store_vote_and_comment(app, old_poll, voter, now - timedelta(days=40))
    with app.app_context():
        poll = poll_by_slug(old_poll)
        cast_vote(poll, poll.choices[1], voter, now - timedelta(hours=1), pseudonyms.ip_hash(ADDRESS))
        purge(now, retention_days=30, session_idle_limit=SESSION_IDLE_LIMIT)
        db.session.commit()
    votes, _ = stored_hashes(app)
    assert votes[voter] is None


def test_address_keys_rotate_daily_and_old_ones_are_deleted(app, old_poll):
    now = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
    with app.app_context():
        today = pseudonyms.ip_hash(ADDRESS, now)
        assert pseudonyms.ip_hash(ADDRESS, now - timedelta(hours=15)) == today  # 00:30 the same day
        assert pseudonyms.ip_hash(ADDRESS, now - timedelta(hours=16)) != today  # 23:30 the day before
        assert pseudonyms.ip_hash("203.0.113.8", now) != today
        for days_ago in (45, 31, 30, 29, 1):
            pseudonyms.ip_hash(ADDRESS, now - timedelta(days=days_ago))
        counts = purge(now, retention_days=30, session_idle_limit=SESSION_IDLE_LIMIT)
        db.session.commit()
    day = timedelta(days=1)
    start_of_today = datetime(2026, 11, 25, tzinfo=UTC)
    # A day's key goes once that whole day is older than 30 days (the day 31 days
    # ago ended more than 30 days ago); the rest remain until their hashes go.
    assert counts["address_keys"] == 2
    assert key_days(app) == [start_of_today - n * day for n in (30, 29, 1, 0)]


def test_same_address_in_one_hour_has_one_hash_for_the_burst_view(app):
    """The dashboard groups new voters by (address hash, UTC hour); keys change at
    UTC midnight, an hour boundary, so no hour is ever split between two keys."""
    with app.app_context():
        for hour in range(24):
            start = datetime(2026, 11, 25, hour, tzinfo=UTC)
            assert pseudonyms.ip_hash(ADDRESS, start) == pseudonyms.ip_hash(
                ADDRESS, start + timedelta(minutes=59, seconds=59)
            )


def test_address_key_is_not_derived_from_the_secret_key(database_url):
    """Two deployments with the same SECRET_KEY hash an address differently: the
    key is random and stored, so the instance folder alone cannot reverse a hash."""
    now = utcnow()
    hashes = []
    for _ in range(2):
        app = make_app(database_url)
        with app.app_context():
            db.drop_all()
            db.create_all()
            hashes.append(pseudonyms.ip_hash(ADDRESS, now))
            db.drop_all()
            db.engine.dispose()
    assert hashes[0] != hashes[1]


def test_the_current_key_is_cached_and_needs_no_query_per_vote(app):
    now = utcnow()
    queries = []
    with app.app_context():
        pseudonyms.ip_hash(ADDRESS, now)

        def count(*args):
            queries.append(args)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for _ in range(50):
                pseudonyms.ip_hash(ADDRESS, now)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert queries == []


def test_simultaneous_first_hashes_of_a_day_agree_on_one_key(app):
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    threads = 8
    barrier = threading.Barrier(threads)
    results, errors = [], []

    def first_hash():
        try:
            with app.app_context():
                barrier.wait()
                results.append(pseudonyms.ip_hash(ADDRESS, now))
                db.session.remove()
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    workers = [threading.Thread(target=first_hash) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert len(results) == threads and len(set(results)) == 1
    assert key_days(app) == [datetime(2026, 1, 1, tzinfo=UTC)]


def test_flask_purge_reports_audits_and_is_idempotent(app, runner, old_poll):
    now = utcnow()
    store_vote_and_comment(app, old_poll, "o" * 32, now - timedelta(days=40))
    store_vote_and_comment(app, old_poll, "n" * 32, now - timedelta(days=2))
    first = runner.invoke(args=["purge"])
    assert first.exit_code == 0, first.output
    assert "older than 30 days" in first.output
    assert "vote address hashes cleared: 1" in first.output
    assert "comment address hashes cleared: 1" in first.output
    assert "address keys deleted: 1" in first.output
    after_first = stored_hashes(app), key_days(app)

    second = runner.invoke(args=["purge"])
    assert second.exit_code == 0, second.output
    assert "vote address hashes cleared: 0" in second.output
    assert "address keys deleted: 0" in second.output
    assert (stored_hashes(app), key_days(app)) == after_first

    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).filter_by(action="retention.purge")).all()
        expected = [
            {"retention_days": 30, "vote_address_hashes": 1, "comment_address_hashes": 1, "address_keys": 1},
            {"retention_days": 30, "vote_address_hashes": 0, "comment_address_hashes": 0, "address_keys": 0},
        ]
        assert [{name: entry.after[name] for name in expected[0]} for entry in entries] == expected
        assert entries[0].actor == "command line"


@pytest.mark.parametrize("app_config", [{"ADDRESS_RETENTION_DAYS": 3}])
def test_purge_follows_the_setting_and_the_days_option(app, runner, old_poll):
    now = utcnow()
    store_vote_and_comment(app, old_poll, "a" * 32, now - timedelta(days=5))
    store_vote_and_comment(app, old_poll, "b" * 32, now - timedelta(days=2))
    assert "older than 3 days" in runner.invoke(args=["purge"]).output
    votes, _ = stored_hashes(app)
    assert votes["a" * 32] is None and votes["b" * 32]
    result = runner.invoke(args=["purge", "--days", "1"])
    assert result.exit_code == 0 and "vote address hashes cleared: 1" in result.output
    assert stored_hashes(app)[0]["b" * 32] is None


@pytest.mark.parametrize("days", ["-1", "0", "abc", "1.5"])
def test_purge_refuses_bad_days(runner, days):
    result = runner.invoke(args=["purge", "--days", days])
    assert result.exit_code == 2
    assert "--days" in result.output and "Traceback" not in result.output


def test_a_vote_after_purge_still_works(app, client, runner, old_poll):
    store_vote_and_comment(app, old_poll, "o" * 32, utcnow() - timedelta(days=40))
    assert runner.invoke(args=["purge"]).exit_code == 0
    response = client.post(f"/polls/{old_poll}/vote", data={"choice": "b"})
    assert response.status_code == 302
    with app.app_context():
        fresh = db.session.scalar(db.select(Vote).where(Vote.voter_id != "o" * 32))
        assert fresh.ip_hash == pseudonyms.ip_hash("127.0.0.1")


@pytest.mark.parametrize(("environ", "expected"), [({}, 30), ({"ADDRESS_RETENTION_DAYS": "7"}, 7)])
def test_retention_days_setting(tmp_path, environ, expected):
    assert Config(str(tmp_path), environ).as_dict()["ADDRESS_RETENTION_DAYS"] == expected


@pytest.mark.parametrize("value", ["0", "-3", "thirty"])
def test_bad_retention_days_setting_stops_start_up(tmp_path, value):
    with pytest.raises(ValueError, match="ADDRESS_RETENTION_DAYS"):
        Config(str(tmp_path), {"ADDRESS_RETENTION_DAYS": value})


def test_migration_clears_the_hashes_made_under_the_derivable_key(empty_database_url):  # noqa: F811
    """Hashes stored before address keys existed were keyed by SECRET_KEY alone: the upgrade clears them."""
    app = make_app(empty_database_url)
    init_migrations(app)
    with app.app_context():
        upgrade(revision=ADDRESS_KEY_REVISION_PARENT)
        stamp = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
        statements = [
            "INSERT INTO poll (id, slug, title, question, summary, opens_at, results_visibility,"
            " moderation_mode, is_featured, created_at)"
            " VALUES (1, 'before', 'Before', 'Which?', '', :now, 'after_vote', 'pre', false, :now)",
            "INSERT INTO choice (id, poll_id, key, label, position, vote_count) VALUES (1, 1, 'yes', 'Yes', 0, 1)",
            "INSERT INTO vote (poll_id, choice_id, voter_id, ip_hash, created_at, updated_at)"
            " VALUES (1, 1, :voter, :hash, :now, :now)",
            "INSERT INTO comment (poll_id, voter_id, ip_hash, display_name, body, status, created_at,"
            " stance, stance_confidence, stance_cues, sentiment, compound, tagger_version)"
            " VALUES (1, :voter, :hash, '', 'Talks are the way.', 'pending', :now,"
            " 'diplomacy', 0.9, '[]', 'neutral', 0.0, 'stance-rules-1')",
        ]
        for statement in statements:
            db.session.execute(text(statement), {"now": stamp, "voter": "v" * 32, "hash": "h" * 32})
        db.session.commit()
        upgrade()
        hashes = (db.session.scalar(db.select(Vote.ip_hash)), db.session.scalar(db.select(Comment.ip_hash)))
        db.session.remove()
        db.engine.dispose()
    assert hashes == (None, "")

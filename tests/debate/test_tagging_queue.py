"""Comments stored first, tagged by the worker: through the queue on SQLite
and on Redis, the real `flask tagger work` process, and restarts."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import redis
from sqlalchemy.orm import selectinload

from poll import PROJECT_ROOT, create_app
from poll.database.models import FLAG_UNCIVIL, PENDING_TAGS, Comment
from poll.debate.tagging_queue import sweep_untagged
from poll.extensions import db
from poll.tagging import TAGGER_VERSION, encoder, mpnet, tag
from tests.conftest import TEST_DATABASE_URL, create_tables, drop_tables, make_app

UNCIVIL = "These people are animals and should be wiped off the map."


def queued_app(database_url, **settings):
    app = make_app(database_url, TAGGING="queue", **settings)
    create_tables(app)
    return app


def executed_tasks(app) -> list[tuple[list[int], int | None]]:
    """What one worker does with each task in the queue, in order: each task's comment ids and what it
    returned (None: it failed, and huey scheduled its retry)."""
    huey, _ = app.extensions["tagging_queue"]
    executed = []
    while (task := huey.dequeue()) is not None:
        executed.append((task.args[0], huey.execute(task)))
    return executed


def run_pending_tasks(app) -> int:
    return len(executed_tasks(app))


def stored(app):
    with app.app_context():
        comments = db.session.execute(
            db.select(Comment).options(selectinload(Comment.flags)).order_by(Comment.id)
        ).scalars()
        return list(comments)


@pytest.fixture
def sqlite_queue_app(tmp_path, database_url):
    app = queued_app(database_url, TASK_QUEUE_URL=f"sqlite:///{tmp_path / 'tasks.sqlite3'}")
    yield app
    drop_tables(app)


def post_through_the_page(app, make_poll_in, body):
    from poll.database.models import MODERATION_PRE

    slug = make_poll_in(app, MODERATION_PRE)
    client = app.test_client()
    response = client.post(f"/polls/{slug}/comments", data={"body": body, "display_name": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    return slug


def make_poll_in(app, moderation_mode):
    from poll.polls.editing import create_poll

    with app.app_context():
        poll = create_poll("queued", "Queued", "Which?", [("military", "Force"), ("diplomacy", "Talks")])
        poll.moderation_mode = moderation_mode
        db.session.commit()
        return poll.slug


def test_a_posted_comment_is_stored_at_once_and_tagged_by_the_worker(sqlite_queue_app):
    app = sqlite_queue_app
    post_through_the_page(app, make_poll_in, UNCIVIL)
    [waiting] = stored(app)
    assert waiting.tagger_version == PENDING_TAGS and waiting.incivility is None
    assert FLAG_UNCIVIL not in waiting.flag_names
    huey, _ = app.extensions["tagging_queue"]
    assert huey.pending_count() == 1

    assert run_pending_tasks(app) == 1
    [tagged] = stored(app)
    expected = tag(UNCIVIL)
    assert (tagged.tagger_version, tagged.stance, tagged.uncivil) == (TAGGER_VERSION, expected.stance, True)
    assert FLAG_UNCIVIL in tagged.flag_names


def test_the_queue_page_says_tagging_until_the_worker_is_done(sqlite_queue_app):
    from poll.accounts import moderators
    from poll.database.column_types import utcnow

    app = sqlite_queue_app
    post_through_the_page(app, make_poll_in, "Keep talking to Pyongyang.")
    with app.app_context():
        moderators.add("mo", "correct horse battery", "moderator", utcnow())
        db.session.commit()
    moderator = app.test_client()
    moderator.post("/admin/login", data={"username": "mo", "password": "correct horse battery"})
    assert "tagging…" in moderator.get("/admin/").get_data(as_text=True)
    run_pending_tasks(app)
    page = moderator.get("/admin/").get_data(as_text=True)
    assert "tagging…" not in page and "Tagged by" in page


def test_a_rolled_back_comment_is_never_queued(sqlite_queue_app):
    from poll.database.column_types import utcnow
    from poll.debate.comments import post_comment
    from poll.polls.finding import poll_by_slug

    app = sqlite_queue_app
    slug = make_poll_in(app, "pre")
    with app.app_context():
        post_comment(poll_by_slug(slug), "v" * 32, "Never saved.", "", "", utcnow())
        db.session.rollback()
        db.session.commit()
    huey, _ = app.extensions["tagging_queue"]
    assert huey.pending_count() == 0


def test_comments_whose_tasks_were_lost_are_swept_up_when_the_worker_starts(sqlite_queue_app):
    app = sqlite_queue_app
    post_through_the_page(app, make_poll_in, "First.")
    huey, _ = app.extensions["tagging_queue"]
    huey.flush()  # the queue's storage lost, the comments still waiting
    with app.app_context():
        assert sweep_untagged() == 1
    run_pending_tasks(app)
    assert [comment.tagger_version for comment in stored(app)] == [TAGGER_VERSION]


def post_many(app, slug, bodies):
    client = app.test_client()
    for body in bodies:
        response = client.post(f"/polls/{slug}/comments", data={"body": body, "display_name": ""})
        assert response.status_code == 302, response.get_data(as_text=True)


BACKLOG = ["Keep talking to Pyongyang.", "Shoot the next missile down.", UNCIVIL, "Sanctions, then talks."]


def test_a_backlog_is_tagged_in_one_batch_and_the_tasks_behind_it_find_nothing_to_do(sqlite_queue_app):
    """Comments posted faster than the worker tags them are read together (the encoder's batches are
    faster than one at a time); the uncivil one is announced once, by the task that tagged it."""
    from poll.alerts.events import COMMENT_FLAGGED_UNCIVIL
    from poll.database.models import WebhookDelivery
    from tests.alerts.conftest import register

    app = sqlite_queue_app
    register(app, "http://127.0.0.1:9/hook", [COMMENT_FLAGGED_UNCIVIL])
    slug = make_poll_in(app, "pre")
    post_many(app, slug, BACKLOG)
    huey, _ = app.extensions["tagging_queue"]
    assert huey.pending_count() == len(BACKLOG)
    assert [result for _, result in executed_tasks(app)] == [len(BACKLOG), 0, 0, 0]
    tagged = stored(app)
    assert [comment.tagger_version for comment in tagged] == [TAGGER_VERSION] * len(BACKLOG)
    # Tagged in a batch, each gets the tags it would get alone (encoded again: the caches emptied).
    encoder.RECENT.vectors.clear()
    mpnet.RECENT.vectors.clear()
    alone = [tag(body) for body in BACKLOG]
    assert [comment.stance for comment in tagged] == [tags.stance for tags in alone]
    assert [comment.incivility for comment in tagged] == pytest.approx(
        [tags.incivility for tags in alone], abs=1e-3
    )
    assert [comment.uncivil for comment in tagged] == [False, False, True, False]
    with app.app_context():
        announced = db.session.execute(db.select(WebhookDelivery.event)).scalars().all()
    assert announced == [COMMENT_FLAGGED_UNCIVIL]


BREAKS_THE_TAGGER = "This one breaks the tagger."


@pytest.fixture
def tagger_breaks_on_one(monkeypatch):
    """The tagger fails on BREAKS_THE_TAGGER, in whatever batch it comes; each batch's bodies are kept."""
    import poll.debate.comments

    real, batches = poll.debate.comments.tags_for, []

    def tags_for(poll, bodies, *options):
        batches.append(list(bodies))
        if BREAKS_THE_TAGGER in bodies:
            raise ValueError("a comment the tagger cannot read")
        return real(poll, bodies, *options)

    monkeypatch.setattr(poll.debate.comments, "tags_for", tags_for)
    return batches


def test_a_waiting_comment_that_breaks_the_tagger_leaves_the_others_tagged(
    sqlite_queue_app, tagger_breaks_on_one
):
    """Taken into another task's batch, it is left waiting and the others are tagged; its own task fails
    after committing them and is retried, as a failed task always was."""
    app = sqlite_queue_app
    slug = make_poll_in(app, "pre")
    post_many(app, slug, [BREAKS_THE_TAGGER, "Keep talking to Pyongyang."])
    outcomes = executed_tasks(app)
    broken, good = stored(app)
    assert broken.tagger_version == PENDING_TAGS and good.tagger_version == TAGGER_VERSION
    # The broken comment's task tags the good one beside it and fails (its retry is scheduled); the good
    # comment's own task then finds nothing to do.
    assert outcomes == [([broken.id], None), ([good.id], 0)]
    huey, _ = app.extensions["tagging_queue"]
    [retry] = huey.scheduled()
    assert retry.args[0] == [broken.id] and retry.retries == app.config["TAGGING_RETRIES"] - 1


def test_a_comment_older_than_the_queue_is_the_sweeps_not_every_tasks(sqlite_queue_app, tagger_breaks_on_one):
    """A task takes only waiting comments young enough to be in the queue: one that has broken the tagger
    for a while is not tried again by every task."""
    from datetime import timedelta

    from poll.database.column_types import utcnow
    from poll.debate.tagging_queue import SWEEP_AFTER

    app = sqlite_queue_app
    slug = make_poll_in(app, "pre")
    post_many(app, slug, [BREAKS_THE_TAGGER])
    huey, _ = app.extensions["tagging_queue"]
    huey.flush()
    with app.app_context():
        db.session.execute(
            db.update(Comment).values(created_at=utcnow() - SWEEP_AFTER - timedelta(minutes=1))
        )
        db.session.commit()
    post_many(app, slug, ["Keep talking to Pyongyang."])
    assert run_pending_tasks(app) == 1
    assert tagger_breaks_on_one == [["Keep talking to Pyongyang."]]
    broken, good = stored(app)
    assert broken.tagger_version == PENDING_TAGS and good.tagger_version == TAGGER_VERSION


def test_a_worker_of_several_threads_takes_no_backlog_on_sqlite_only(sqlite_queue_app, monkeypatch):
    from types import SimpleNamespace

    app = sqlite_queue_app
    huey, _ = app.extensions["tagging_queue"]
    monkeypatch.setattr(huey, "create_consumer", lambda **settings: SimpleNamespace(run=lambda: None))
    result = app.test_cli_runner().invoke(args=["tagger", "work", "--threads", "2"])
    assert result.exit_code == 0, result.output
    on_sqlite = TEST_DATABASE_URL is None  # PostgreSQL's row locks keep the threads apart: batches stay
    assert ("each task tags its own comments only" in result.output) == on_sqlite
    assert app.config["TAGGING_BACKLOG_BATCH"] == (0 if on_sqlite else 15)


def test_a_worker_of_several_threads_on_sqlite_tags_each_tasks_own_comments_only():
    """SQLite has no row locks to keep two threads off one waiting comment."""
    from poll.debate.tagging_queue import backlog_batch

    assert backlog_batch(1, "sqlite", 15) == 15
    assert backlog_batch(4, "sqlite", 15) == 0
    assert backlog_batch(4, "postgresql", 15) == 15
    assert backlog_batch(1, "postgresql", 0) == 0


def test_the_backlog_setting_turns_the_batches_off(sqlite_queue_app):
    app = sqlite_queue_app
    app.config["TAGGING_BACKLOG_BATCH"] = 0
    slug = make_poll_in(app, "pre")
    post_many(app, slug, BACKLOG[:2])
    assert [result for _, result in executed_tasks(app)] == [1, 1]


@pytest.mark.skipif(
    TEST_DATABASE_URL is None, reason="row locks need PostgreSQL (SQLite's writers take turns)"
)
def test_on_postgresql_a_task_passes_over_waiting_comments_another_thread_holds(tmp_path, database_url):
    """Two tagging threads never tag one comment: a waiting comment another transaction has locked is
    left to it; and a reader's mark on the task's own comment (a key-share lock) does not hold it up."""
    from poll.debate.comments import tag_stored_comments

    app = queued_app(database_url, TASK_QUEUE_URL=f"sqlite:///{tmp_path / 'tasks.sqlite3'}")
    try:
        slug = make_poll_in(app, "pre")
        post_many(app, slug, ["Held by the other thread.", "Marked by a reader."])
        held, marked = (comment.id for comment in stored(app))
        with app.app_context(), db.engine.connect() as other:
            other.execute(db.text("SELECT id FROM comment WHERE id = :id FOR UPDATE"), {"id": held})
            other.execute(db.text("SELECT id FROM comment WHERE id = :id FOR KEY SHARE"), {"id": marked})
            # Waiting on either row would be the bug: fail in seconds, never hang.
            db.session.execute(db.text("SET LOCAL lock_timeout = '3s'"))
            assert tag_stored_comments([marked], also_waiting=10).tagged == 1
            db.session.commit()
            other.rollback()
        assert [comment.tagger_version for comment in stored(app)] == [PENDING_TAGS, TAGGER_VERSION]
    finally:
        drop_tables(app)


def test_a_task_that_meets_a_dropped_database_runs_again(tmp_path, database_url, monkeypatch):
    """#27 item 10: a database drop during a task left the comment "tagging…" until a restart."""
    from sqlalchemy.exc import OperationalError

    import poll.debate.tagging_queue

    app = queued_app(
        database_url, TASK_QUEUE_URL=f"sqlite:///{tmp_path / 'tasks.sqlite3'}", TAGGING_RETRY_DELAY=0
    )
    real = poll.debate.tagging_queue.tag_stored_comments
    calls = []

    def dropped_once(comment_ids, **options):
        calls.append(comment_ids)
        if len(calls) == 1:
            raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))
        return real(comment_ids, **options)

    monkeypatch.setattr(poll.debate.tagging_queue, "tag_stored_comments", dropped_once)
    try:
        post_through_the_page(app, make_poll_in, UNCIVIL)
        assert run_pending_tasks(app) == 2  # the failed run, then its retry
        assert len(calls) == 2
        [tagged] = stored(app)
        assert tagged.tagger_version == TAGGER_VERSION and tagged.uncivil
    finally:
        drop_tables(app)


def test_the_running_worker_sweeps_comments_that_never_reached_the_queue(sqlite_queue_app):
    """A web worker killed between its commit and the hand-over: the worker finds the comment on its
    periodic sweep, without a restart, and leaves comments still young enough to be in the queue."""
    from datetime import timedelta

    from poll.database.column_types import utcnow
    from poll.debate.tagging_queue import SWEEP_AFTER, SWEEP_EVERY_MINUTES

    app = sqlite_queue_app
    huey, _ = app.extensions["tagging_queue"]
    sweep = app.extensions["sweep_task"]
    assert sweep.task_class in [type(task) for task in huey.read_periodic(utcnow().replace(minute=0))]
    assert SWEEP_AFTER.total_seconds() / 60 >= SWEEP_EVERY_MINUTES

    post_through_the_page(app, make_poll_in, "Lost on the way.")
    huey.flush()  # never handed over
    assert sweep.call_local() == 0  # young: perhaps still on its way
    with app.app_context():
        comment = db.session.execute(db.select(Comment)).scalar_one()
        comment.created_at = utcnow() - SWEEP_AFTER - timedelta(seconds=1)
        db.session.commit()
    assert sweep.call_local() == 1
    run_pending_tasks(app)
    assert [comment.tagger_version for comment in stored(app)] == [TAGGER_VERSION]
    assert sweep.call_local() == 0


def test_the_queue_runs_on_redis(database_url):
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    app = queued_app(database_url, TASK_QUEUE_URL=url, TASK_QUEUE_NAME=f"test-{uuid.uuid4().hex}")
    huey, _ = app.extensions["tagging_queue"]
    try:
        post_through_the_page(app, make_poll_in, "Talks, now.")
        assert huey.pending_count() == 1
        run_pending_tasks(app)
        assert [comment.tagger_version for comment in stored(app)] == [TAGGER_VERSION]
    finally:
        huey.flush()
        drop_tables(app)


def test_a_bad_tagging_setting_is_refused_at_start():
    with pytest.raises(ValueError, match="TAGGING must be"):
        create_app({"TESTING": True, "SECRET_KEY": "k", "TAGGING": "sometimes"})


def test_the_worker_command_needs_a_queue(app):
    result = app.test_cli_runner().invoke(args=["tagger", "work"])
    assert result.exit_code == 2 and "TAGGING=inline" in result.output


def _start_worker(env):
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "tagger", "work"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_until_tagged(app, count, worker, limit=180.0):
    """Polls until ``count`` comments are tagged: a generous upper bound, not a speed test."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        done = sum(comment.tagger_version == TAGGER_VERSION for comment in stored(app))
        if done == count:
            return
        assert worker.poll() is None, "the tagging worker died"
        time.sleep(0.2)
    raise AssertionError(f"{count} comments not tagged within {limit} s")


@pytest.mark.slow
@pytest.mark.skipif(TEST_DATABASE_URL is not None, reason="uses a file database shared with the worker")
def test_the_real_worker_tags_what_was_posted_while_it_was_down_and_survives_kill_9(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'poll.sqlite3'}"
    queue_url = f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    app = queued_app(database_url, TASK_QUEUE_URL=queue_url)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TASK_QUEUE_URL": queue_url,
        "TAGGING": "queue",
        "SECRET_KEY": "k" * 32,
    }
    slug = post_through_the_page(app, make_poll_in, "Posted while no worker runs.")
    worker = _start_worker(env)
    try:
        _wait_until_tagged(app, 1, worker)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        client = app.test_client()
        client.post(f"/polls/{slug}/comments", data={"body": "Posted after kill -9.", "display_name": ""})
        assert [comment.tagger_version for comment in stored(app)] == [TAGGER_VERSION, PENDING_TAGS]
        worker = _start_worker(env)
        _wait_until_tagged(app, 2, worker)
    finally:
        worker.kill()
        worker.wait()
        with app.app_context():
            db.engine.dispose()


def test_a_queue_that_cannot_be_reached_does_not_tell_the_reader_nothing_was_saved(database_url):
    """The comment is committed before it is queued: with the queue's Redis down (a real
    closed port) it is saved and waits as 'tagging…' for the worker's sweep, and the
    reader is thanked, not told to post again."""
    app = queued_app(database_url, TASK_QUEUE_URL="redis://127.0.0.1:1/0")
    try:
        post_through_the_page(app, make_poll_in, "Keep the hotline open.")
        [waiting] = stored(app)
        assert waiting.tagger_version == PENDING_TAGS and waiting.body == "Keep the hotline open."
    finally:
        drop_tables(app)

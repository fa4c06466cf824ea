"""Comments are stored first and tagged by a worker process.

The encoders hold about 900 MiB and take 80–130 ms a comment, so web workers
do not carry them: a posted comment is saved with its tags pending, and its id
is handed to a huey queue (SQLite in the instance folder by default, Redis
with ``TASK_QUEUE_URL=redis://…``) once the transaction commits. ``flask
tagger work`` runs the consumer. Nothing is lost when it is down: the
queue's storage keeps the ids, and on start the worker also sweeps every
comment still untagged, so a lost queue file loses no tagging either. While
it runs, a failed task is retried (``TAGGING_RETRIES``, backing off from
``TAGGING_RETRY_DELAY`` seconds) and every ``SWEEP_EVERY_MINUTES`` it queues
again whatever has waited longer than ``SWEEP_AFTER`` (a web worker killed
between its commit and the hand-over, a task out of retries).
A task tags its own comments together with up to ``TAGGING_BACKLOG_BATCH`` others
still waiting, so a backlog is worked through in batches; the tasks queued
behind find their comments tagged and do nothing.

``TAGGING=inline`` tags in the request instead (the tests, and a single
small deployment that would rather not run a worker).
"""

import logging
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from poll.database.column_types import utcnow
from poll.database.models import PENDING_TAGS, Poll
from poll.debate.comments import COMMENTS_TO_TAG, TAGGING_INLINE, tag_stored_comments, untagged_comment_ids
from poll.debate.stance_heads import check_trainable, train_poll_head
from poll.extensions import db

logger = logging.getLogger(__name__)

TAGGING_QUEUE = "queue"
SWEEP_BATCH = 64
SWEEP_EVERY_MINUTES = 2
# A comment younger than this is most likely still in the queue: sweeping it would tag it twice.
SWEEP_AFTER = timedelta(minutes=2)


def queue_for(app: Flask, suffix: str = ""):
    """The app's huey instance, made from its settings (``suffix``: another queue in the same
    store, e.g. the alerts' "-alerts")."""
    from huey import RedisHuey, SqliteHuey

    url = app.config.get("TASK_QUEUE_URL") or ""
    name = app.config.get("TASK_QUEUE_NAME", "debate-poll-tagging") + suffix
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url)
    filename = url.removeprefix("sqlite:///") if url else str(Path(app.instance_path) / "tasks.sqlite3")
    Path(filename).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=filename)


def init_tagging_queue(app: Flask) -> None:
    mode = app.config.get("TAGGING", TAGGING_QUEUE)
    if mode not in (TAGGING_INLINE, TAGGING_QUEUE):
        raise ValueError(f"TAGGING must be {TAGGING_INLINE!r} or {TAGGING_QUEUE!r}, not {mode!r}")
    if mode == TAGGING_INLINE:
        return
    from huey import crontab

    huey = queue_for(app)
    retries = {
        "retries": app.config.get("TAGGING_RETRIES", 5),
        "retry_delay": app.config.get("TAGGING_RETRY_DELAY", 5),
        "retry_backoff": 2,
    }

    @huey.task(name="tag_comments", **retries)
    def tag_comments(comment_ids: list[int]) -> int:
        with app.app_context():
            return tag_with_backlog(comment_ids, app.config["TAGGING_BACKLOG_BATCH"])

    @huey.periodic_task(crontab(minute=f"*/{SWEEP_EVERY_MINUTES}"), name="sweep_untagged")
    def sweep_task() -> int:
        with app.app_context():
            return sweep_untagged(stored_before=utcnow() - SWEEP_AFTER)

    @huey.task(name="train_poll_head")
    def train_poll_head_task(poll_id: int) -> str:
        with app.app_context():
            poll = db.session.get(Poll, poll_id)
            if poll is None:  # deleted since the training was queued: nothing to train
                return ""
            stored = train_poll_head(poll, utcnow())
            db.session.commit()
            return stored.name

    app.extensions["tagging_queue"] = (huey, tag_comments)
    app.extensions["training_task"] = train_poll_head_task
    app.extensions["sweep_task"] = sweep_task


def backlog_batch(threads: int, database: str, setting: int) -> int:
    """How many waiting comments a task may take besides its own, for a worker of ``threads`` threads on
    ``database`` (SQLAlchemy's dialect name): none for several threads on SQLite, which has no row locks
    to keep two threads off one comment (it would be tagged, and announced uncivil, twice)."""
    return 0 if threads > 1 and database == "sqlite" else setting


class CommentsNotTagged(RuntimeError):
    """The tagger failed on some of a task's own comments (the others were tagged): huey runs it again."""


def tag_with_backlog(comment_ids: list[int], also_waiting: int) -> int:
    """Tag a task's comments together with up to ``also_waiting`` more that wait (their own tasks, queued
    behind, then find nothing to do), and commit. Only comments young enough to be in the queue are taken:
    an older one is the sweep's, so a comment that breaks the tagger is not taken by every task. A task
    whose own comment the tagger fails on fails after committing the rest, and is retried as before."""
    done = tag_stored_comments(comment_ids, also_waiting=also_waiting, waiting_since=utcnow() - SWEEP_AFTER)
    db.session.commit()
    if done.failed:
        raise CommentsNotTagged(f"the tagger failed on comments {done.failed}")
    return done.tagged


def tagging_queue():
    """(huey, the tag_comments task) of the current app, or None when tagging inline."""
    return current_app.extensions.get("tagging_queue")


def tags_inline() -> bool:
    """Whether this app tags a comment in the request that posts it (TAGGING=inline)."""
    return tagging_queue() is None


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session) -> None:
    """Comments stored by this transaction go to the tagger now that they exist for it."""
    comment_ids = session.info.pop(COMMENTS_TO_TAG, None)
    if comment_ids:
        queued = tagging_queue()
        if queued is not None:
            try:
                queued[1](comment_ids)
            except Exception:  # the queue's store is down: the comments are saved all the same
                # The reader must not be told "nothing was saved" (they would post again):
                # the comments wait as "tagging…", and the worker's sweep queues them when it starts.
                logger.exception("could not queue comments %s for tagging", comment_ids)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session, previous_transaction) -> None:
    session.info.pop(COMMENTS_TO_TAG, None)


def queue_training(poll) -> bool:
    """Hand fitting ``poll``'s head to the worker (False when tagging inline:
    the caller trains in place). Raises StanceTrainingError first if it cannot work."""
    check_trainable(poll)
    task = current_app.extensions.get("training_task")
    if task is None:
        return False
    task(poll.id)
    return True


def sweep_untagged(stored_before=None) -> int:
    """Queue every comment still waiting for its tags (stored before ``stored_before``, if given);
    returns how many."""
    _, tag_comments = tagging_queue()
    ids = untagged_comment_ids(stored_before)
    for start in range(0, len(ids), SWEEP_BATCH):
        tag_comments(ids[start : start + SWEEP_BATCH])
    return len(ids)


__all__ = ["PENDING_TAGS", "backlog_batch", "init_tagging_queue", "sweep_untagged", "tagging_queue"]

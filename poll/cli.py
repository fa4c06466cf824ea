"""``flask`` commands."""

import json
import sys
from collections import Counter

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Comment
from .services.comments import apply_tags, refresh_automatic_flags
from .services.polls import poll_by_slug, seed_debate_poll
from .tagging import TAGGER_VERSION, tag


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Create the article's debate poll (safe to run again)."""
    poll, created = seed_debate_poll()
    db.session.commit()
    verb = "Created" if created else "Already present:"
    click.echo(f"{verb} poll '{poll.slug}'.")


@click.command("tag")
@click.argument("text")
def tag_command(text: str) -> None:
    """Print the stance and sentiment tags of TEXT as JSON ('-' reads standard input)."""
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise click.UsageError("Give some text to tag.")
    click.echo(json.dumps(tag(text).as_dict(), ensure_ascii=False, indent=2))


@click.command("retag")
@click.option("--poll", "slug", help="Only this poll's comments.")
@click.option("--all", "everything", is_flag=True, help="Also comments this tagger version already tagged.")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
def retag_command(slug: str | None, everything: bool, batch_size: int) -> None:
    """Re-tag comments in committed batches.

    Without --all only comments tagged by another tagger version are touched,
    so an interrupted run simply continues where it stopped when run again.
    """
    conditions = []
    if slug is not None:
        poll = poll_by_slug(slug)
        if poll is None:
            raise click.BadParameter(f"no poll with slug {slug!r}", param_hint="--poll")
        conditions.append(Comment.poll_id == poll.id)
    if not everything:
        conditions.append(Comment.tagger_version != TAGGER_VERSION)
    total = db.session.scalar(db.select(func.count()).select_from(Comment).where(*conditions))
    counts: Counter = Counter()
    try:
        with click.progressbar(length=total, label="Re-tagging", file=sys.stderr) as progress:
            for batch in _batches(conditions, batch_size):
                counts.update(_retag(batch))
                db.session.commit()
                db.session.expunge_all()
                progress.update(len(batch))
    except KeyboardInterrupt:
        db.session.rollback()
        done = counts["retagged"]
        click.echo(f"\nInterrupted: {done} comments re-tagged and saved; run again to continue.")
        sys.exit(130)
    click.echo(
        f"Re-tagged {counts['retagged']} comments with {TAGGER_VERSION}: "
        f"{counts['stance_changed']} changed stance, {counts['sentiment_changed']} changed sentiment."
    )


def _batches(conditions: list, batch_size: int):
    """Comments in id order, one batch at a time, so memory stays flat."""
    last_id = 0
    while True:
        batch = (
            db.session.execute(
                db.select(Comment)
                .options(selectinload(Comment.flags), selectinload(Comment.author_choice))
                .where(Comment.id > last_id, *conditions)
                .order_by(Comment.id)
                .limit(batch_size)
            )
            .scalars()
            .all()
        )
        if not batch:
            return
        last_id = batch[-1].id
        yield batch


def _retag(batch: list[Comment]) -> Counter:
    counts: Counter = Counter()
    for comment in batch:
        before = (comment.stance, comment.sentiment)
        apply_tags(comment, tag(comment.body))
        refresh_automatic_flags(comment)
        counts["retagged"] += 1
        counts["stance_changed"] += comment.stance != before[0]
        counts["sentiment_changed"] += comment.sentiment != before[1]
    return counts


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(tag_command)
    app.cli.add_command(retag_command)

"""``flask`` commands."""

import json
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func

from poll.accounts import audit, moderators
from poll.database.column_types import utcnow
from poll.database.models import ROLE_MODERATOR, ROLES, Comment, Moderator
from poll.debate.comments import retag, retag_query
from poll.debate.moderation import seed_rejection_reasons
from poll.debate.stance_heads import StanceTrainingError, train_poll_head
from poll.debate.tagging_queue import backlog_batch, sweep_untagged, tagging_queue
from poll.exports.rows import KINDS, ExportError, build_request, describe, export_chunks, parse_day, row_count
from poll.extensions import MIGRATIONS_COMMAND, db, init_migrations
from poll.polls.debate_poll import seed_debate_poll
from poll.polls.finding import poll_by_slug
from poll.voters import retention
from poll.web.languages import LANGUAGES


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Create the article's debate poll and the preset rejection reasons (safe to run again)."""
    poll, created = seed_debate_poll()
    reasons = seed_rejection_reasons()
    db.session.commit()
    verb = "Created" if created else "Already present:"
    click.echo(f"{verb} poll '{poll.slug}'.")
    if reasons:
        click.echo(f"Added {reasons} preset rejection reasons (edit them under Admin → Rejection reasons).")


@click.command("tag")
@click.argument("text")
@click.option(
    "--poll-language",
    type=click.Choice(LANGUAGES),
    help="The language of the poll it is posted on: a comment too short to tell is read in it.",
)
def tag_command(text: str, poll_language: str | None) -> None:
    """Print the tags of TEXT (stance, incivility, language, sentiment) as JSON ('-' reads standard input)."""
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        raise click.UsageError("Give some text to tag.")
    from poll.tagging import tag  # the encoders load for this command, not in the web app that registers it

    click.echo(json.dumps(tag(text, poll_language=poll_language).as_dict(), ensure_ascii=False, indent=2))


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
    from poll.tagging import shipped_versions

    conditions = []
    if slug is not None:
        poll = poll_by_slug(slug)
        if poll is None:
            raise click.BadParameter(f"no poll with slug {slug!r}", param_hint="--poll")
        conditions.append(Comment.poll_id == poll.id)
    if not everything:
        conditions.append(Comment.tagger_version.not_in(shipped_versions()))
    total = db.session.scalar(db.select(func.count()).select_from(Comment).where(*conditions))
    counts: Counter = Counter()
    try:
        with click.progressbar(length=total, label="Re-tagging", file=sys.stderr) as progress:
            for batch in _batches(conditions, batch_size):
                counts.update(retag(batch))
                db.session.commit()
                progress.update(len(batch))
    except KeyboardInterrupt:
        db.session.rollback()
        done = counts["retagged"]
        click.echo(f"\nInterrupted: {done} comments re-tagged and saved; run again to continue.")
        sys.exit(130)
    click.echo(
        f"Re-tagged {counts['retagged']} comments with {' and '.join(shipped_versions())}: "
        f"{counts['stance_changed']} changed stance, {counts['sentiment_changed']} changed sentiment."
    )


def _batches(conditions: list, batch_size: int):
    """Comments in id order, one batch at a time, so memory stays flat."""
    last_id = 0
    while True:
        batch = db.session.execute(
            retag_query().where(Comment.id > last_id, *conditions).limit(batch_size)
        ).all()
        if not batch:
            return
        last_id = batch[-1].id
        yield batch


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--poll", "slug", help="Only this poll (needed for tallies).")
@click.option("--since", help="First day, YYYY-MM-DD (UTC).")
@click.option("--until", help="Last day, YYYY-MM-DD (UTC), included.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-", show_default=True
)
@click.option("--bom", is_flag=True, help="Start with a UTF-8 byte order mark (for Excel).")
@with_appcontext
def export_command(kind: str, slug: str | None, since: str | None, until: str | None, output: str, bom: bool):
    """Write KIND (votes, comments, tallies, audit) as CSV to standard output or a file."""
    poll = poll_by_slug(slug) if slug else None
    if slug and poll is None:
        raise click.BadParameter(f"no poll with slug {slug!r}", param_hint="--poll")
    try:
        wanted = build_request(kind, poll, parse_day(since, "--since"), parse_day(until, "--until"))
    except ExportError as error:
        raise click.UsageError(str(error)) from error
    now = utcnow()
    audit.record(
        None, "export", "export", kind, now, poll_id=poll.id if poll else None, after=describe(wanted)
    )
    db.session.commit()
    if output == "-":
        # UTF-8 bytes whatever the terminal's locale, like the download; and not
        # click.echo, which strips anything that looks like a colour code.
        sys.stdout.flush()
        for chunk in export_chunks(wanted, bom=bom):
            sys.stdout.buffer.write(chunk.encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    _write_file(Path(output), wanted, bom)


def _write_file(path: Path, wanted, bom: bool) -> None:
    """Write beside the target and rename at the end: an interrupted export leaves no half file."""
    partial = path.with_name(path.name + ".partial")
    show_progress = sys.stderr.isatty()
    try:
        with (
            partial.open("w", encoding="utf-8", newline="") as handle,
            click.progressbar(
                length=row_count(wanted) + 1,
                label=f"Exporting {wanted.kind}",
                file=sys.stderr,
                hidden=not show_progress,
            ) as progress,
        ):
            for chunk in export_chunks(wanted, bom=bom):
                handle.write(chunk)
                progress.update(chunk.count("\n"))
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"Could not write {path}: {error.strerror}") from error
    click.echo(f"Wrote {path}.", err=True)


@click.command("purge")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    help="Keep this many days instead of ADDRESS_RETENTION_DAYS (default 30).",
)
@with_appcontext
def purge_command(days: int | None) -> None:
    """Drop address hashes (and their keys) older than the retention period, and idle sessions; run daily."""
    days = days or current_app.config["ADDRESS_RETENTION_DAYS"]
    now = utcnow()
    counts = retention.purge(now, days, current_app.config["PERMANENT_SESSION_LIFETIME"])
    db.session.commit()
    before = (now - timedelta(days=days)).strftime("%Y-%m-%d %H:%M UTC")
    click.echo(f"Purged what is older than {days} days (before {before}):")
    for name, count in counts.items():
        click.echo(f"  {retention.DESCRIPTIONS.get(name, name.replace('_', ' '))}: {count}")


moderator_group = AppGroup("moderator", help="Manage moderator accounts.")


def read_password() -> str:
    """Asked twice at a terminal; one line from standard input when piped."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def moderator_or_fail(name: str) -> Moderator:
    moderator = moderators.find(name)
    if moderator is None:
        raise click.ClickException(f"There is no moderator called {name!r}.")
    return moderator


def run_or_fail(action) -> None:
    try:
        action()
    except moderators.ModeratorError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()


@moderator_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default=ROLE_MODERATOR, show_default=True)
def add_moderator(name: str, role: str) -> None:
    """Create a moderator account (password: at least 12 characters)."""
    password = read_password()
    run_or_fail(lambda: moderators.add(name, password, role, utcnow()))
    click.echo(f"Added {role} {name!r}.")


@moderator_group.command("list")
def list_moderators() -> None:
    """List moderator accounts."""
    accounts = db.session.execute(db.select(Moderator).order_by(Moderator.username)).scalars().all()
    if not accounts:
        click.echo("No moderators yet: add one with `flask moderator add NAME`.")
    for account in accounts:
        state = "disabled" if account.disabled else "active"
        last = account.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if account.last_login_at else "never"
        click.echo(f"{account.username:<24} {account.role:<10} {state:<9} last login: {last}")


@moderator_group.command("disable")
@click.argument("name")
def disable_moderator(name: str) -> None:
    """Disable an account and end its sessions."""
    moderator = moderator_or_fail(name)
    run_or_fail(lambda: moderators.disable(moderator, utcnow()))
    click.echo(f"Disabled {name!r}; their sessions have ended.")


@moderator_group.command("set-password")
@click.argument("name")
def set_moderator_password(name: str) -> None:
    """Set a new password and end the account's other sessions."""
    moderator = moderator_or_fail(name)
    password = read_password()
    run_or_fail(lambda: moderators.set_password(moderator, password, utcnow()))
    click.echo(f"Password changed for {name!r}.")


class Commands(AppGroup):
    """``app.cli``: the app's ``flask`` commands, with Flask-Migrate's ``db``
    group bound to the app only when it is asked for (see ``init_migrations``)."""

    def __init__(self, app: Flask):
        super().__init__()
        self.app = app

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), MIGRATIONS_COMMAND})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == MIGRATIONS_COMMAND:
            init_migrations(self.app)
        return super().get_command(ctx, name)


tagger_group = AppGroup("tagger", help="The tagging worker (comments are stored first, tagged here).")


@tagger_group.command("work")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 8), help="Tagging threads.")
def tagger_work_command(threads: int) -> None:
    """Tag queued comments until stopped (Ctrl-C); first queues any comment still untagged."""
    queued = tagging_queue()
    if queued is None:
        raise click.UsageError(
            "TAGGING=inline: comments are tagged as they are posted; there is no queue to work."
        )
    huey, _ = queued
    setting = current_app.config["TAGGING_BACKLOG_BATCH"]
    current_app.config["TAGGING_BACKLOG_BATCH"] = backlog_batch(threads, db.engine.dialect.name, setting)
    if current_app.config["TAGGING_BACKLOG_BATCH"] != setting:
        click.echo("Several threads on SQLite: each task tags its own comments only (no row locks).")
    swept = sweep_untagged()
    click.echo(f"Tagging worker: {swept} untagged comments queued; waiting for more (Ctrl-C stops).")
    huey.create_consumer(workers=threads, worker_type="thread").run()


@tagger_group.command("train")
@click.argument("slug")
def tagger_train_command(slug: str) -> None:
    """Fit poll SLUG's own stance head from its example arguments and moderators' corrections."""
    poll = poll_by_slug(slug)
    if poll is None:
        raise click.BadParameter(f"no poll with slug {slug!r}", param_hint="SLUG")
    try:
        stored = train_poll_head(poll, utcnow())
    except StanceTrainingError as error:
        raise click.UsageError(str(error)) from error
    db.session.commit()
    counts = ", ".join(f"{label} {count}" for label, count in stored.head["card"]["rows_per_stance"].items())
    click.echo(f"Trained {stored.name} for '{slug}' on {stored.rows} labelled comments ({counts}).")
    if stored.never_sure:
        click.echo("None of its stances counts as sure yet: its rows do not show it right 9 times in 10.")
    else:
        click.echo(f"Its stances count as sure from {stored.sure_from:.0%} confidence.")
    click.echo(
        f"New comments on '{slug}' are tagged with it; `flask retag --poll {slug} --all` re-tags the others."
    )


def register_commands(app: Flask) -> None:
    from poll.alerts.cli import alerts_group
    from poll.api.cli import apikey_group

    app.cli.add_command(alerts_group)
    app.cli.add_command(apikey_group)
    app.cli.add_command(tagger_group)
    app.cli.add_command(export_command)
    app.cli.add_command(moderator_group)
    app.cli.add_command(seed_command)
    app.cli.add_command(tag_command)
    app.cli.add_command(retag_command)
    app.cli.add_command(purge_command)

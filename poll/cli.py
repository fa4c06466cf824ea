"""``flask`` commands."""

import click
from flask import Flask
from flask.cli import with_appcontext

from .extensions import db
from .services.polls import seed_debate_poll


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Create the article's debate poll (safe to run again)."""
    poll, created = seed_debate_poll()
    db.session.commit()
    verb = "Created" if created else "Already present:"
    click.echo(f"{verb} poll '{poll.slug}'.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_command)

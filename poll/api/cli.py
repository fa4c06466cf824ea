"""``flask apikey``: making, listing and revoking the JSON API's keys."""

import click
from flask.cli import AppGroup

from poll.accounts import api_keys
from poll.database.column_types import utcnow
from poll.database.models import API_SCOPES
from poll.extensions import db

apikey_group = AppGroup("apikey", help="Keys for the JSON API (/api/v1/).")


@apikey_group.command("create")
@click.option("--name", required=True, help="What the key is for, such as the tool that uses it.")
@click.option("--scope", type=click.Choice(API_SCOPES), required=True, help="What the key may do.")
def create_command(name: str, scope: str) -> None:
    """Make a key; it is printed once, on the last line, and only its hash is kept."""
    try:
        _, text = api_keys.create_key(name, scope, None, utcnow())
    except api_keys.ApiKeyError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created the {scope} key {name.strip()!r}. Keep it now: it is not shown again.")
    click.echo(text)


@apikey_group.command("list")
def list_command() -> None:
    """List the keys: name, scope, prefix, when made and last used, and whether revoked."""
    keys = api_keys.all_keys()
    if not keys:
        click.echo("No API keys yet: make one with `flask apikey create --name NAME --scope read`.")
    for key in keys:
        last = key.last_used_at.strftime("%Y-%m-%d %H:%M UTC") if key.last_used_at else "never"
        state = f"revoked {key.revoked_at:%Y-%m-%d %H:%M UTC}" if key.revoked_at else "live"
        click.echo(
            f"{key.name:<24} {key.scope:<9} dpk_{key.prefix}  created {key.created_at:%Y-%m-%d %H:%M UTC}"
            f"  last used: {last}  {state}"
        )


@apikey_group.command("revoke")
@click.argument("name")
def revoke_command(name: str) -> None:
    """Revoke key NAME: it calls nothing from now on."""
    key = api_keys.key_by_name(name)
    if key is None:
        raise click.ClickException(f"There is no API key called {name!r}.")
    try:
        api_keys.revoke_key(key, None, utcnow())
    except api_keys.ApiKeyError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Revoked {name!r}.")

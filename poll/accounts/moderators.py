"""Moderator accounts."""

import re
from datetime import datetime

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from poll.accounts import audit, sessions
from poll.database.models import ROLES, Moderator
from poll.extensions import db
from poll.web.text_rules import format_character_problem

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
USERNAME_PATTERN = r"^[A-Za-z0-9_.-]{2,50}$"


def hash_password(password: str) -> str:
    """The password's hash by the app's PASSWORD_HASH_METHOD: scrypt, except in the test suite,
    which asks for a cheap one (each scrypt run takes 0.1 s, as Django's test settings avoid too)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


class ModeratorError(ValueError):
    """A moderator command or form that cannot be carried out, with the reason."""


def find(username: str) -> Moderator | None:
    return db.session.execute(db.select(Moderator).filter_by(username=username)).scalar_one_or_none()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ModeratorError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ModeratorError(f"The password must be at most {MAX_PASSWORD_LENGTH} characters long.")
    if not password.strip():
        raise ModeratorError("The password cannot be only spaces.")


def add(username: str, password: str, role: str, now: datetime, actor: Moderator | None = None) -> Moderator:
    problem = format_character_problem(username or "")
    if problem:
        raise ModeratorError(problem)
    if not re.fullmatch(USERNAME_PATTERN, username or ""):
        raise ModeratorError("A name is 2 to 50 letters, digits, dots, dashes or underscores.")
    if role not in ROLES:
        raise ModeratorError(f"The role must be one of: {', '.join(ROLES)}.")
    if find(username) is not None:
        raise ModeratorError(f"There is already a moderator called {username!r}.")
    check_password_rules(password)
    moderator = Moderator(username=username, password_hash=hash_password(password), role=role)
    db.session.add(moderator)
    db.session.flush()
    audit.record(actor, "moderator.add", "moderator", username, now, after={"role": role})
    return moderator


def set_password(moderator: Moderator, password: str, now: datetime, actor: Moderator | None = None) -> None:
    check_password_rules(password)
    moderator.password_hash = hash_password(password)
    sessions.end_all(moderator)
    audit.record(actor, "moderator.set_password", "moderator", moderator.username, now)


def disable(moderator: Moderator, now: datetime, actor: Moderator | None = None) -> None:
    if moderator.disabled:
        raise ModeratorError(f"{moderator.username!r} is already disabled.")
    moderator.disabled = True
    sessions.end_all(moderator)
    audit.record(
        actor,
        "moderator.disable",
        "moderator",
        moderator.username,
        now,
        before={"disabled": False},
        after={"disabled": True},
    )


def authenticate(username: str, password: str) -> Moderator | None:
    """The active moderator with these credentials, or None."""
    moderator = find(username)
    if moderator is None:
        # One hash run all the same, so that a failed login costs the same
        # time whether or not the account exists. (A dummy hash made at import
        # added a tenth of a second to every command and worker start.)
        hash_password(password)
        return None
    if not check_password_hash(moderator.password_hash, password) or moderator.disabled:
        return None
    return moderator

"""Configuration read from the environment when the app is created, never at import."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


def instance_secret_key(instance_path: str) -> str:
    """Return the instance folder's secret key, generating it on first use.

    Keeping it in the instance folder means a fresh checkout works without
    setup, sessions survive restarts, and no secret is ever committed.
    """
    path = Path(instance_path) / SECRET_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def database_url(raw: str | None, instance_path: str) -> str:
    """Normalise DATABASE_URL; default to SQLite in the instance folder.

    Hosting platforms hand out ``postgres://`` URLs; SQLAlchemy needs the
    driver named, and psycopg (v3) is the one we ship.
    """
    if not raw:
        return f"sqlite:///{Path(instance_path) / 'debate_poll.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def engine_options(url: str, sqlite_busy_timeout: float = 10.0) -> dict:
    """A server connection can drop between requests, so check it on checkout;
    a SQLite file cannot, and the ping would cost a query per request. SQLite
    writers wait up to ``sqlite_busy_timeout`` seconds for the write lock."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": sqlite_busy_timeout}}
    return {"pool_pre_ping": True}


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, minimum: int) -> int:
    """A whole-number setting; a typo stops start-up with a message naming it."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return int(value)


class Config:
    """Settings from environment variables with safe defaults."""

    def __init__(self, instance_path: str):
        https = env_flag("HTTPS")
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or instance_secret_key(instance_path)
        self.SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"), instance_path)
        # Votes and comments are small; anything bigger is abuse.
        self.MAX_CONTENT_LENGTH = 64 * 1024
        self.MAX_FORM_MEMORY_SIZE = 64 * 1024
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = https
        self.REMEMBER_COOKIE_SECURE = https
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
        self.PREFERRED_URL_SCHEME = "https" if https else "http"
        self.HTTPS = https
        self.VOTER_COOKIE_MAX_AGE = int(timedelta(days=365).total_seconds())
        self.WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a clock
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_HEADERS_ENABLED = True
        self.COMMENT_LIMIT_PER_VOTER = os.environ.get("COMMENT_LIMIT_PER_VOTER", "5 per minute;30 per hour")
        self.COMMENT_LIMIT_PER_IP = os.environ.get("COMMENT_LIMIT_PER_IP", "20 per minute;200 per hour")
        self.COMMENTS_PER_PAGE = 20
        self.QUEUE_PER_PAGE = 25
        self.LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "20 per minute;100 per hour")
        self.LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
        self.PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0)
        self.EMBED_ORIGINS = os.environ.get("EMBED_ORIGINS", "").split()
        self.VOTE_LIMIT_PER_IP = os.environ.get("VOTE_LIMIT_PER_IP", "120 per minute;2000 per hour")
        # New voters from one address within an hour that the dashboard lists as a burst.
        self.VOTE_BURST_THRESHOLD = env_int("VOTE_BURST_THRESHOLD", 20, minimum=1)
        # Lets several deployments (or test runs) share one Redis without sharing counts.
        self.RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "debate-poll")
        # "queue": comments are tagged by `flask tagger work` (poll.tagging_queue); "inline": in the request.
        self.TAGGING = os.environ.get("TAGGING", "queue")
        # Where the tagging queue lives: empty for SQLite in the instance folder, or redis://host:port/db.
        self.TASK_QUEUE_URL = os.environ.get("TASK_QUEUE_URL", "")
        # Lets several deployments (or test runs) share one Redis without sharing a queue.
        self.TASK_QUEUE_NAME = os.environ.get("TASK_QUEUE_NAME", "debate-poll-tagging")

    def as_dict(self) -> dict:
        return {key: value for key, value in vars(self).items() if key.isupper()}

"""Configuration read from the environment when the app is created, never at import."""

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)
PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (werkzeug's name of a hash method, not a secret)


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


def engine_options(
    url: str, pool_size: int = 5, max_overflow: int = 10, sqlite_busy_timeout: float = 10.0
) -> dict:
    """A server connection can drop between requests, so check it on checkout;
    a SQLite file cannot, and the ping would cost a query per request. SQLite
    writers wait up to ``sqlite_busy_timeout`` seconds for the write lock.

    A server's connections are bounded per process (``pool_size`` kept,
    ``max_overflow`` more at a peak): every process may hold
    ``pool_size + max_overflow``, and all of them together must stay below the
    server's ``max_connections`` (docs/deployment.md)."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": sqlite_busy_timeout}}
    return {"pool_pre_ping": True, "pool_size": pool_size, "max_overflow": max_overflow}


def env_flag(environ: Mapping[str, str], name: str, default: bool = False) -> bool:
    value = environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(environ: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    """A whole-number setting; a typo stops start-up with a message naming it."""
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return int(value)


def time_zone_name(environ: Mapping[str, str], name: str = "TIMEZONE", default: str = "UTC") -> str:
    """An IANA zone name (Europe/Berlin, Asia/Seoul); a typo stops start-up with a message naming it."""
    value = environ.get(name, "").strip() or default
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"{name} must be an IANA time zone name such as Asia/Seoul, not {value!r}"
        raise ValueError(message) from None
    return value


def host_names(text: str) -> list[str] | None:
    """TRUSTED_HOSTS: names separated by spaces or commas (``.example.org`` also
    admits its subdomains); None, any host, when unset."""
    names = text.replace(",", " ").split()
    return names or None


class Config:
    """Settings from environment variables (``environ``) with safe defaults.

    ``create_app`` passes ``os.environ``; tests pass their own mapping, so that
    a developer's shell (``HTTPS=1``, say) cannot change what a test runs.
    """

    def __init__(self, instance_path: str, environ: Mapping[str, str]):
        https = env_flag(environ, "HTTPS")
        # None: generated into the instance folder by create_app if no layer sets one.
        self.SECRET_KEY = environ.get("SECRET_KEY") or None
        self.SQLALCHEMY_DATABASE_URI = database_url(environ.get("DATABASE_URL"), instance_path)
        # Connections each process keeps to a database server, and how many more it may open at a peak.
        self.DATABASE_POOL_SIZE = env_int(environ, "DATABASE_POOL_SIZE", 5, minimum=1)
        self.DATABASE_MAX_OVERFLOW = env_int(environ, "DATABASE_MAX_OVERFLOW", 10, minimum=0)
        # Votes and comments are small; anything bigger is abuse.
        self.MAX_CONTENT_LENGTH = 64 * 1024
        self.MAX_FORM_MEMORY_SIZE = 64 * 1024
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = https
        self.REMEMBER_COOKIE_SECURE = https
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
        # Moderators' passwords: werkzeug's scrypt. Only a TESTING app may ask for another (load_config).
        self.PASSWORD_HASH_METHOD = PASSWORD_HASH_METHOD
        self.PREFERRED_URL_SCHEME = "https" if https else "http"
        # Host names this site answers to; any other Host header gets 400, so that
        # redirects and links can never be built for a host an attacker chose.
        self.TRUSTED_HOSTS = host_names(environ.get("TRUSTED_HOSTS", ""))
        self.HTTPS = https
        self.VOTER_COOKIE_MAX_AGE = int(timedelta(days=365).total_seconds())
        self.WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a clock
        self.RATELIMIT_STORAGE_URI = environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_HEADERS_ENABLED = True
        self.COMMENT_LIMIT_PER_VOTER = environ.get("COMMENT_LIMIT_PER_VOTER", "5 per minute;30 per hour")
        self.COMMENT_LIMIT_PER_IP = environ.get("COMMENT_LIMIT_PER_IP", "20 per minute;200 per hour")
        self.COMMENTS_PER_PAGE = 20
        # "Good point" marks (a toggle) per voter: enough to read and mark a whole debate, not to script it.
        self.MARK_LIMIT_PER_VOTER = environ.get("MARK_LIMIT_PER_VOTER", "30 per minute;300 per hour")
        self.QUEUE_PER_PAGE = 25
        # Calls to the JSON API (/api/v1/) per key, reads and writes alike (docs/api.md).
        self.API_LIMIT_PER_KEY = environ.get("API_LIMIT_PER_KEY", "120 per minute;3000 per hour")
        self.LOGIN_LIMIT_PER_IP = environ.get("LOGIN_LIMIT_PER_IP", "20 per minute;100 per hour")
        self.LOGIN_LIMIT_PER_ACCOUNT = environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
        self.PROXY_COUNT = env_int(environ, "PROXY_COUNT", 0, minimum=0)
        self.EMBED_ORIGINS = environ.get("EMBED_ORIGINS", "").split()
        # How often an open results section asks for the tally (it backs off while the tab is hidden).
        self.LIVE_RESULTS_INTERVAL_MS = env_int(environ, "LIVE_RESULTS_INTERVAL_MS", 3000, minimum=500)
        self.VOTE_LIMIT_PER_IP = environ.get("VOTE_LIMIT_PER_IP", "120 per minute;2000 per hour")
        # Votes from browsers with no vote in the poll yet, per address (IPv6: per /64) and poll;
        # vote changes are not counted. docs/security.md gives the trade-off.
        self.NEW_VOTER_LIMIT_PER_IP = environ.get("NEW_VOTER_LIMIT_PER_IP", "60 per hour;300 per day")
        # New voters from one address within an hour that the dashboard lists as a burst.
        self.VOTE_BURST_THRESHOLD = env_int(environ, "VOTE_BURST_THRESHOLD", 20, minimum=1)
        # Days that address hashes (and their keys) are kept for abuse review; `flask purge` drops older.
        self.ADDRESS_RETENTION_DAYS = env_int(environ, "ADDRESS_RETENTION_DAYS", 30, minimum=1)
        # Lets several deployments (or test runs) share one Redis without sharing counts.
        self.RATELIMIT_KEY_PREFIX = environ.get("RATELIMIT_KEY_PREFIX", "debate-poll")
        # "queue": tagged by `flask tagger work` (poll.debate.tagging_queue); "inline": in the request.
        self.TAGGING = environ.get("TAGGING", "queue")
        # Where the tagging queue lives: empty for SQLite in the instance folder, or redis://host:port/db.
        self.TASK_QUEUE_URL = environ.get("TASK_QUEUE_URL", "")
        # Lets several deployments (or test runs) share one Redis without sharing a queue.
        self.TASK_QUEUE_NAME = environ.get("TASK_QUEUE_NAME", "debate-poll-tagging")
        # A tagging task that fails (the database dropped, say) runs again this many times, this many
        # seconds apart (doubling each time); the worker's sweep catches whatever still slips through.
        self.TAGGING_RETRIES = env_int(environ, "TAGGING_RETRIES", 5, minimum=0)
        self.TAGGING_RETRY_DELAY = env_int(environ, "TAGGING_RETRY_DELAY", 5, minimum=0)
        # A tagging task also takes up to this many comments still waiting, so a backlog is tagged in
        # batches (poll.debate.tagging_queue; 0: each task its own comments only): the encoders read
        # comments together faster (`python -m bench.tagging backlog`, 2 cores: 10.3 comments/s one task a
        # comment, 14.1 with 15), and 16 at once keep the first of them waiting about a second more.
        self.TAGGING_BACKLOG_BATCH = env_int(environ, "TAGGING_BACKLOG_BATCH", 15, minimum=0)
        # The newsroom's time zone: admin pages show and take times in it; the database keeps UTC.
        self.TIMEZONE = time_zone_name(environ)
        # Alerts (docs/alerts.md). The site's address for links in webhooks and digests, which the
        # worker sends without a request to take it from (https://polls.example.org).
        self.PUBLIC_URL = environ.get("PUBLIC_URL", "").strip()
        # Webhook deliveries: tries in all, the first retry's delay in seconds and its growth factor
        # (5 tries: 10 s, 30 s, 90 s, 270 s), and each request's timeout in seconds.
        self.WEBHOOK_TRIES = env_int(environ, "WEBHOOK_TRIES", 5, minimum=1)
        self.WEBHOOK_RETRY_DELAY = env_int(environ, "WEBHOOK_RETRY_DELAY", 10, minimum=0)
        self.WEBHOOK_RETRY_BACKOFF = env_int(environ, "WEBHOOK_RETRY_BACKOFF", 3, minimum=1)
        self.WEBHOOK_TIMEOUT = env_int(environ, "WEBHOOK_TIMEOUT", 10, minimum=1)
        # Plain http and private, loopback or link-local receivers (development, an internal receiver).
        self.WEBHOOK_ALLOW_PRIVATE = env_flag(environ, "WEBHOOK_ALLOW_PRIVATE")
        # The review digest's mail server and sender.
        self.SMTP_HOST = environ.get("SMTP_HOST", "").strip()
        self.SMTP_PORT = env_int(environ, "SMTP_PORT", 587, minimum=1)
        self.SMTP_USERNAME = environ.get("SMTP_USERNAME", "")
        self.SMTP_PASSWORD = environ.get("SMTP_PASSWORD", "")
        self.SMTP_STARTTLS = env_flag(environ, "SMTP_STARTTLS", default=True)
        self.SMTP_TIMEOUT = env_int(environ, "SMTP_TIMEOUT", 30, minimum=1)
        self.MAIL_FROM = environ.get("MAIL_FROM", "").strip()

    def as_dict(self) -> dict:
        return {key: value for key, value in vars(self).items() if key.isupper()}


def load_served_settings(settings, instance_path: str, environ: Mapping[str, str] | None = None) -> None:
    """Into ``settings`` (a Flask config rooted at ``instance_path``), the
    settings the app serves with: the environment (``os.environ`` unless
    ``environ`` is given), then instance/config.py over it."""
    settings.from_mapping(Config(instance_path, os.environ if environ is None else environ).as_dict())
    settings.from_pyfile("config.py", silent=True)

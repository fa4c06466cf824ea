"""Admin pages under /admin: moderation queue, polls, dashboard, audit log."""

from poll.admin import (
    alerts,
    audit_log,
    auth,
    blocked_words,
    dashboard,
    digest_settings,
    exports,
    looks,
    moderators,
    mutes,
    polls,
    queue,
    rejection_reasons,
)
from poll.admin.blueprint import bp

__all__ = [
    "bp",
    "alerts",
    "digest_settings",
    "audit_log",
    "auth",
    "blocked_words",
    "dashboard",
    "exports",
    "looks",
    "moderators",
    "mutes",
    "polls",
    "queue",
    "rejection_reasons",
]

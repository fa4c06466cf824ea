"""Admin pages under /admin: moderation queue, polls, dashboard, audit log."""

from poll.admin import (
    audit_log,
    auth,
    blocked_words,
    dashboard,
    exports,
    moderators,
    mutes,
    polls,
    queue,
    rejection_reasons,
)
from poll.admin.blueprint import bp

__all__ = [
    "bp",
    "audit_log",
    "auth",
    "blocked_words",
    "dashboard",
    "exports",
    "moderators",
    "mutes",
    "polls",
    "queue",
    "rejection_reasons",
]

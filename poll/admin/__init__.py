"""Admin pages under /admin: moderation queue, polls, dashboard, audit log."""

from . import (
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
from .blueprint import bp

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

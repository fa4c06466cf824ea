"""Moderator accounts, their server-side sessions, and the audit log of what they do."""

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from poll.database.column_types import UTCDateTime, utcnow
from poll.extensions import Model

if TYPE_CHECKING:  # the models of other modules, for annotations; SQLAlchemy resolves them by name
    from poll.database.models.polls import Poll

ROLE_ADMIN = "admin"
ROLE_MODERATOR = "moderator"
ROLES = (ROLE_ADMIN, ROLE_MODERATOR)


class Moderator(UserMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=ROLE_MODERATOR)
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The review digest (poll.alerts.digest): where it goes, how often ("off", "hourly",
    # "daily" at ``digest_hour`` in the newsroom's time zone), and when the last one went.
    email: Mapped[str | None] = mapped_column(String(254))
    digest: Mapped[str] = mapped_column(String(10), default="off", server_default="off")
    digest_hour: Mapped[int | None] = mapped_column()
    digest_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint(f"role IN ('{ROLE_ADMIN}', '{ROLE_MODERATOR}')", name="role"),
        CheckConstraint("digest IN ('off', 'hourly', 'daily')", name="digest"),
        CheckConstraint(
            "digest_hour IS NULL OR (digest_hour >= 0 AND digest_hour <= 23)", name="digest_hour"
        ),
    )

    @property
    def is_active(self) -> bool:
        return not self.disabled

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    # The token of the server-side session this object was loaded for (not stored: only its hash is).
    # An annotation the ORM is told to leave alone (__allow_unmapped__): it is not a column.
    __allow_unmapped__ = True
    session_token: str | None = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session cookie: the account and the session's token."""
        return f"{self.id}.{self.session_token}"


class ModeratorSession(Model):
    """One logged-in browser. The cookie carries a random token; this row is
    what makes it valid, so deleting the row ends the session even for a
    saved copy of the cookie (logout, "log out everywhere", a password change,
    disabling, or `flask purge` once it has been idle too long)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("moderator.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the token: a copy of the database opens no session.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Model):
    """One moderation or admin action. Append-only: the app never edits or deletes these."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("moderator.id", ondelete="SET NULL"))
    # Kept as text too, so the log still says who acted if an account is ever removed.
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(20))
    # A poll's address (up to 80 characters), a row's id, a key's or a moderator's name.
    target_id: Mapped[str] = mapped_column(String(100))
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("poll.id", ondelete="SET NULL"))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")

    moderator: Mapped[Moderator | None] = relationship()
    poll: Mapped["Poll | None"] = relationship()

    __table_args__ = (
        Index("ix_audit_entry_created_at", "created_at"),
        Index("ix_audit_entry_poll_id_created_at", "poll_id", "created_at"),
    )

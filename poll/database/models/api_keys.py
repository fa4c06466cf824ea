"""API keys: what a newsroom's tools present to the JSON API (``poll.api``), stored hashed."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from poll.database.column_types import UTCDateTime, utcnow
from poll.extensions import Model

# read: every GET; polls: poll writes and reads; moderate: comment actions and reads.
SCOPE_READ = "read"
SCOPE_POLLS = "polls"
SCOPE_MODERATE = "moderate"
API_SCOPES = (SCOPE_READ, SCOPE_POLLS, SCOPE_MODERATE)
API_KEY_NAME_MAX_LENGTH = 40


class ApiKey(Model):
    """One key. The key itself (``dpk_<prefix>_<secret>``) is shown once; only the prefix, which finds
    the row, and SHA-256 of the secret are kept, so a copy of the database calls nothing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(API_KEY_NAME_MAX_LENGTH), unique=True)
    scope: Mapped[str] = mapped_column(String(10))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("moderator.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("scope IN (" + ", ".join(f"'{scope}'" for scope in API_SCOPES) + ")", name="scope"),
    )

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def audit_actor(self) -> str:
        """How the audit log names what this key did."""
        return f"API key {self.name}"

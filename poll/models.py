"""Database models."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db_types import UTCDateTime, utcnow
from .extensions import db

RESULTS_ALWAYS = "always"
RESULTS_AFTER_VOTE = "after_vote"
RESULTS_VISIBILITY = (RESULTS_AFTER_VOTE, RESULTS_ALWAYS)

MODERATION_PRE = "pre"
MODERATION_POST = "post"
MODERATION_MODES = (MODERATION_PRE, MODERATION_POST)


class Schedule:
    """Open/closed rules for anything with ``opens_at`` and ``closes_at``."""

    opens_at: datetime
    closes_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)

    def has_closed(self, now: datetime) -> bool:
        return self.closes_at is not None and now >= self.closes_at


class Poll(Schedule, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results_visibility: Mapped[str] = mapped_column(String(20), default=RESULTS_AFTER_VOTE)
    moderation_mode: Mapped[str] = mapped_column(String(10), default=MODERATION_PRE)
    is_featured: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    choices: Mapped[list["Choice"]] = relationship(
        back_populates="poll", order_by="Choice.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(
            f"results_visibility IN ('{RESULTS_AFTER_VOTE}', '{RESULTS_ALWAYS}')",
            name="results_visibility",
        ),
        CheckConstraint(
            f"moderation_mode IN ('{MODERATION_PRE}', '{MODERATION_POST}')",
            name="moderation_mode",
        ),
    )

    def choice_by_key(self, key: str) -> "Choice | None":
        return next((choice for choice in self.choices if choice.key == key), None)


class Choice(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    # Kept in step with the vote table inside the voting transaction, so that
    # results never have to count the votes table.
    vote_count: Mapped[int] = mapped_column(default=0)

    poll: Mapped[Poll] = relationship(back_populates="choices")

    __table_args__ = (
        UniqueConstraint("poll_id", "key"),
        CheckConstraint("vote_count >= 0", name="vote_count_not_negative"),
    )


class Vote(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    choice_id: Mapped[int] = mapped_column(ForeignKey("choice.id"))
    voter_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    choice: Mapped[Choice] = relationship()

    __table_args__ = (
        UniqueConstraint("poll_id", "voter_id"),
        Index("ix_vote_poll_id_created_at", "poll_id", "created_at"),
    )

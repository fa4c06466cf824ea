"""Polls, their choices and counters, votes, voids of vote bursts, and the daily address keys."""

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from poll.database.column_types import UTCDateTime, utcnow
from poll.extensions import Model

RESULTS_ALWAYS = "always"
RESULTS_AFTER_VOTE = "after_vote"
RESULTS_VISIBILITY = (RESULTS_AFTER_VOTE, RESULTS_ALWAYS)

# Shown under every tally unless the poll's editors change it: readers choose
# themselves, so the figures describe those who answered, not the public.
DEFAULT_RESULTS_NOTE = "Readers' poll: not a scientific survey."

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


class ChoiceLookup:
    """Finding a choice by its key, for every shape of a poll that lists its
    choices (the ORM poll, a ballot, a results snapshot)."""

    if TYPE_CHECKING:

        @property
        def choices(self) -> Sequence[Any]: ...

    def choice_by_key(self, key: str):
        return next((choice for choice in self.choices if choice.key == key), None)


class EmbedSites:
    """The sites a poll names (one origin per line) whose pages may frame it."""

    embed_origins: str

    @property
    def embed_origin_list(self) -> list[str]:
        return self.embed_origins.split()


class Poll(Schedule, ChoiceLookup, EmbedSites, Model):
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
    # Sites (origins such as https://news.example, one per line) whose pages may
    # frame this poll's embed view, besides the global EMBED_ORIGINS.
    embed_origins: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Under the results, in the poll page and the embed; empty shows nothing.
    results_note: Mapped[str] = mapped_column(
        String(200), default=DEFAULT_RESULTS_NOTE, server_default=DEFAULT_RESULTS_NOTE
    )
    # The reader language its editors write its texts in (one of poll.web.languages.LANGUAGES): its
    # pages and card are drawn in it unless ?lang= asks for another. None: each reader's browser
    # chooses (Accept-Language), as for every poll made before polls had a language.
    language: Mapped[str | None] = mapped_column(String(10))

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


class Choice(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    # The stance side a vote for this choice stands for ("neutral", or another
    # choice's key); None: the choice is a side of its own, named by its key.
    side: Mapped[str | None] = mapped_column(String(40))
    # The debate column's heading for the side this choice names ("" : "For <label>").
    side_heading: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # vote_count (below ChoiceVoteSlot): the counted votes, read from the slots.
    if TYPE_CHECKING:
        vote_count: Mapped[int]

    poll: Mapped[Poll] = relationship(back_populates="choices")

    __table_args__ = (UniqueConstraint("poll_id", "key"),)


# Each choice's count is spread over this many rows (a random one per vote) so
# that voters for one choice do not all queue on one row's lock in PostgreSQL:
# measured with bench.pg_counters, one row fell to 221 votes/s at 64 concurrent
# transactions, 32 slots held 2,223 (docs/benchmarks.md, "Vote counters in slots").
COUNTER_SLOTS = 32


class ChoiceVoteSlot(Model):
    """One of a choice's counters, kept in step with the vote table inside the
    voting transaction, so that results never have to count the votes table.
    A choice's count is the sum of its slots. A slot alone may go below zero
    (a changed vote is taken from any slot of its old choice); the sum cannot."""

    choice_id: Mapped[int] = mapped_column(ForeignKey("choice.id", ondelete="CASCADE"), primary_key=True)
    slot: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    vote_count: Mapped[int] = mapped_column(default=0)


# Deferred: loading a poll's choices (every poll page) does not sum counters it
# does not show; the results query selects it by name.
Choice.vote_count = column_property(
    select(func.coalesce(func.sum(ChoiceVoteSlot.vote_count), 0))
    .where(ChoiceVoteSlot.choice_id == Choice.id)
    .correlate_except(ChoiceVoteSlot)
    .scalar_subquery(),
    deferred=True,
)

if TYPE_CHECKING:  # the models of other modules, for annotations; SQLAlchemy resolves them by name
    from poll.database.models.accounts import Moderator


VOTE_COUNTED = "counted"
VOTE_VOID = "void"
VOTE_STATUSES = (VOTE_COUNTED, VOTE_VOID)


class Vote(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    choice_id: Mapped[int] = mapped_column(ForeignKey("choice.id"))
    voter_id: Mapped[str] = mapped_column(String(64))
    # Keyed hash of the address that first cast it (under that day's address
    # key), so that moderators can see many new voters arriving from one
    # address; None on votes older than ADDRESS_RETENTION_DAYS (`flask purge`).
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "void": a moderator took it out of the tallies (``void``); it stays stored,
    # and the counters (ChoiceVoteSlot) count only "counted" votes.
    status: Mapped[str] = mapped_column(String(10), default=VOTE_COUNTED, server_default=VOTE_COUNTED)
    # The voiding that last took it out (kept after a restore, as the record of what it covered).
    void_id: Mapped[int | None] = mapped_column(ForeignKey("vote_void.id", ondelete="SET NULL"), index=True)

    choice: Mapped[Choice] = relationship()

    __table_args__ = (
        UniqueConstraint("poll_id", "voter_id"),
        Index("ix_vote_poll_id_created_at", "poll_id", "created_at"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{status}'" for status in VOTE_STATUSES) + ")", name="status"
        ),
    )


class VoteVoid(Model):
    """A moderator's decision that one burst of votes (one address, one poll,
    one hour) does not count, and its undoing. The votes keep their rows and
    point here; who and why are also in the audit log."""

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    # The burst's hour: votes first cast from its address in [starts_at, ends_at).
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    votes: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("moderator.id", ondelete="SET NULL"))
    voided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    restored_by_id: Mapped[int | None] = mapped_column(ForeignKey("moderator.id", ondelete="SET NULL"))
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    restore_reason: Mapped[str] = mapped_column(Text, default="")

    voided_by: Mapped["Moderator | None"] = relationship(foreign_keys=[voided_by_id])
    restored_by: Mapped["Moderator | None"] = relationship(foreign_keys=[restored_by_id])


class AddressKey(Model):
    """The random key of one UTC day's address hashes (``poll.voters.pseudonyms``).

    Not derivable from SECRET_KEY, and deleted by `flask purge` with the hashes
    made under it, so a purged day's hashes can no longer be tested against
    guessed addresses.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    # Unique: processes creating the day's key at once agree on one.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, unique=True)
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""Database models."""

from collections.abc import Sequence
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    false,
    func,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from poll.database.column_types import UTCDateTime, utcnow
from poll.extensions import db
from poll.vocabulary import UNCERTAIN_BELOW, UNKNOWN, language_name, sure_stance

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

    choices: Sequence

    def choice_by_key(self, key: str):
        return next((choice for choice in self.choices if choice.key == key), None)


class EmbedSites:
    """The sites a poll names (one origin per line) whose pages may frame it."""

    embed_origins: str

    @property
    def embed_origin_list(self) -> list[str]:
        return self.embed_origins.split()


class Poll(Schedule, ChoiceLookup, EmbedSites, db.Model):
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


class Choice(db.Model):
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

    poll: Mapped[Poll] = relationship(back_populates="choices")

    __table_args__ = (UniqueConstraint("poll_id", "key"),)


# Each choice's count is spread over this many rows (a random one per vote) so
# that voters for one choice do not all queue on one row's lock in PostgreSQL:
# measured with bench.pg_counters, one row fell to 221 votes/s at 64 concurrent
# transactions, 32 slots held 2,223 (docs/benchmarks.md, "Vote counters in slots").
COUNTER_SLOTS = 32


class ChoiceVoteSlot(db.Model):
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


VOTE_COUNTED = "counted"
VOTE_VOID = "void"
VOTE_STATUSES = (VOTE_COUNTED, VOTE_VOID)


class Vote(db.Model):
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


class VoteVoid(db.Model):
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


class AddressKey(db.Model):
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


COMMENT_PENDING = "pending"
COMMENT_APPROVED = "approved"
COMMENT_REJECTED = "rejected"
COMMENT_FLAGGED = "flagged"
COMMENT_STATUSES = (COMMENT_PENDING, COMMENT_APPROVED, COMMENT_REJECTED, COMMENT_FLAGGED)

FLAG_STANCE_VOTE_MISMATCH = "stance_vote_mismatch"
# tagger_version of a comment stored but not tagged yet (the tagging worker's to do).
PENDING_TAGS = ""

FLAG_UNCIVIL = "uncivil"
FLAG_BLOCKED_WORD = "blocked_word"
FLAG_LINK = "link"
FLAG_DUPLICATE = "duplicate_text"
FLAG_BURST = "burst"
FLAG_MODERATOR = "second_look"
# A rejected comment its author appealed (poll.debate.appeals): back in the queue for a second decision.
FLAG_APPEAL = "appeal"
AUTOMATIC_FLAGS = (
    FLAG_UNCIVIL,
    FLAG_BLOCKED_WORD,
    FLAG_LINK,
    FLAG_DUPLICATE,
    FLAG_BURST,
    FLAG_STANCE_VOTE_MISMATCH,
)
ALL_FLAGS = (*AUTOMATIC_FLAGS, FLAG_MODERATOR, FLAG_APPEAL)

ROLE_ADMIN = "admin"
ROLE_MODERATOR = "moderator"
ROLES = (ROLE_ADMIN, ROLE_MODERATOR)


class Moderator(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=ROLE_MODERATOR)
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint(f"role IN ('{ROLE_ADMIN}', '{ROLE_MODERATOR}')", name="role"),)

    @property
    def is_active(self) -> bool:
        return not self.disabled

    @property
    def is_admin(self) -> bool:
        return self.role == ROLE_ADMIN

    # The token of the server-side session this object was loaded for (not stored: only its hash is).
    session_token = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session cookie: the account and the session's token."""
        return f"{self.id}.{self.session_token}"


class ModeratorSession(db.Model):
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


class Comment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    voter_id: Mapped[str] = mapped_column(String(64))
    # Pseudonymous (keyed hash), kept only to spot floods from one address;
    # emptied after ADDRESS_RETENTION_DAYS (`flask purge`).
    ip_hash: Mapped[str] = mapped_column(String(64), default="")
    display_name: Mapped[str] = mapped_column(String(50), default="")
    body: Mapped[str] = mapped_column(Text)
    # The author's vote when the comment was posted.
    author_choice_id: Mapped[int | None] = mapped_column(ForeignKey("choice.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=COMMENT_PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    stance: Mapped[str] = mapped_column(String(20))
    stance_confidence: Mapped[float]
    stance_cues: Mapped[list] = mapped_column(JSON, default=list)
    sentiment: Mapped[str] = mapped_column(String(20))
    compound: Mapped[float]
    # 0..1 from the incivility head; None where the comment's language is not tagged.
    incivility: Mapped[float | None]
    # The incivility head's decision at its threshold (what raises the uncivil flag).
    uncivil: Mapped[bool] = mapped_column(default=False, server_default=false())
    # ISO 639-1; None on comments tagged before languages were detected.
    language: Mapped[str | None] = mapped_column(String(8))
    tagger_version: Mapped[str] = mapped_column(String(60))
    # A moderator's correction; the tagger's own stance stays beside it.
    corrected_stance: Mapped[str | None] = mapped_column(String(20))
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("moderator.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # One level of replies: a reply's parent is a top-level comment of the same poll.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), index=True)
    # Why a moderator rejected it, shown to its author.
    decision_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The author's one appeal against a rejection (appealed_at set: used).
    appeal_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author_choice: Mapped[Choice | None] = relationship()
    moderated_by: Mapped[Moderator | None] = relationship()
    poll: Mapped[Poll] = relationship()
    flags: Mapped[list["CommentFlag"]] = relationship(
        back_populates="comment", cascade="all, delete-orphan", order_by="CommentFlag.flag"
    )

    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{status}'" for status in COMMENT_STATUSES) + ")", name="status"
        ),
        Index("ix_comment_poll_id_status_created_at", "poll_id", "status", "created_at"),
        Index("ix_comment_voter_id", "voter_id"),
    )

    @property
    def flag_names(self) -> list[str]:
        return [flag.flag for flag in self.flags]

    @property
    def tags_pending(self) -> bool:
        return self.tagger_version == PENDING_TAGS

    @property
    def stance_untagged(self) -> bool:
        """The tagger does not read this comment's language, so it gave no stance."""
        return self.stance == UNKNOWN and not self.corrected_stance

    @property
    def stance_uncertain(self) -> bool:
        return self.stance != UNKNOWN and self.sure_stance is None

    @hybrid_property
    def sure_stance(self) -> str | None:
        """The stance a moderator set or confirmed, else the tagger's where it is
        sure: what filters and the mismatch flag read (None: nobody is sure)."""
        return sure_stance(self.corrected_stance, self.stance, self.stance_confidence)

    @sure_stance.inplace.expression
    @classmethod
    def _sure_stance_expression(cls):
        return func.coalesce(
            cls.corrected_stance,
            case((and_(cls.stance != UNKNOWN, cls.stance_confidence >= UNCERTAIN_BELOW), cls.stance)),
        )

    @property
    def language_name(self) -> str:
        return language_name(self.language) if self.language else ""

    @hybrid_property
    def effective_stance(self) -> str:
        """The moderator's correction where there is one, else the tagger's stance."""
        return self.corrected_stance or self.stance

    @effective_stance.inplace.expression
    @classmethod
    def _effective_stance_expression(cls):
        return func.coalesce(cls.corrected_stance, cls.stance)


class CommentMark(db.Model):
    """A voter's "good point" on a comment: at most one per voter and comment
    (the primary key), so a mark can never count twice."""

    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)
    voter_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VoterMute(db.Model):
    """A moderator's decision that one voter's new comments are refused until
    ``expires_at`` (or until lifted); who and why are also in the audit log."""

    id: Mapped[int] = mapped_column(primary_key=True)
    voter_id: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("moderator.id", ondelete="SET NULL"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("moderator.id", ondelete="SET NULL"))

    created_by: Mapped["Moderator | None"] = relationship(foreign_keys=[created_by_id])
    lifted_by: Mapped["Moderator | None"] = relationship(foreign_keys=[lifted_by_id])


class RejectionReason(db.Model):
    """A preset reason moderators pick when rejecting (admins edit the list)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(default=0)


class CommentFlag(db.Model):
    """An automatic or manual reason for a moderator to look at a comment."""

    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)
    flag: Mapped[str] = mapped_column(String(40), primary_key=True)

    comment: Mapped[Comment] = relationship(back_populates="flags")

    __table_args__ = (Index("ix_comment_flag_flag", "flag"),)


class StanceExample(db.Model):
    """An example argument an admin wrote for one side of a poll: a training
    row for that poll's stance head, beside its moderators' corrections."""

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    stance: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PollStanceHead(db.Model):
    """A poll's own stance head (``poll.tagging.heads.LinearHead`` as JSON),
    fitted by ``flask tagger train SLUG`` from its examples and corrections."""

    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    head: Mapped[dict] = mapped_column(JSON)
    rows: Mapped[int]
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


BLOCKED_BANNED = "banned"
BLOCKED_SUSPECT = "suspect"
BLOCKED_KINDS = (BLOCKED_BANNED, BLOCKED_SUSPECT)


class BlockedWord(db.Model):
    """A word or phrase admins list: "banned" holds the comment for review even
    on a post-moderated poll; "suspect" only flags it for moderators."""

    id: Mapped[int] = mapped_column(primary_key=True)
    phrase: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default=BLOCKED_SUSPECT, server_default=BLOCKED_SUSPECT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{kind}'" for kind in BLOCKED_KINDS) + ")", name="kind"),
    )


class AuditEntry(db.Model):
    """One moderation or admin action. Append-only: the app never edits or deletes these."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("moderator.id", ondelete="SET NULL"))
    # Kept as text too, so the log still says who acted if an account is ever removed.
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(60))
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("poll.id", ondelete="SET NULL"))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")

    moderator: Mapped[Moderator | None] = relationship()
    poll: Mapped[Poll | None] = relationship()

    __table_args__ = (
        Index("ix_audit_entry_created_at", "created_at"),
        Index("ix_audit_entry_poll_id_created_at", "poll_id", "created_at"),
    )

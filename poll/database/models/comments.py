"""Comments and what hangs on them: flags, good-point marks, mutes, rejection reasons, blocked
words, and the stance examples and heads a poll is tagged with."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    and_,
    case,
    false,
    func,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from poll.database.column_types import UTCDateTime, utcnow
from poll.extensions import Model
from poll.vocabulary import (
    ENGLISH,
    UNCERTAIN_BELOW,
    UNCERTAIN_BELOW_OTHER_LANGUAGES,
    UNKNOWN,
    is_never_sure,
    language_name,
    own_sure_from,
    sure_stance,
)

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

if TYPE_CHECKING:  # the models of other modules, for annotations; SQLAlchemy resolves them by name
    from poll.database.models.accounts import Moderator
    from poll.database.models.polls import Choice, Poll
ALL_FLAGS = (*AUTOMATIC_FLAGS, FLAG_MODERATOR, FLAG_APPEAL)


class Comment(Model):
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
    # The confidence from which the tagger's stance is sure, where the head that gave it has its own
    # threshold (a poll's own head); None: the shipped heads', by language (vocabulary.uncertain_below).
    stance_sure_from: Mapped[float | None]
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
    # SHA-256 of the author's private status link token (poll.debate.status_links); the token
    # itself is shown once and never stored. None on comments posted before status links.
    status_token_hash: Mapped[str | None] = mapped_column(String(64))

    author_choice: Mapped["Choice | None"] = relationship()
    moderated_by: Mapped["Moderator | None"] = relationship()
    poll: Mapped["Poll"] = relationship()
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

    @hybrid_property
    def tags_pending(self) -> bool:
        """Stored, and waiting for the tagging worker (in a query too: the worker's and the sweep's)."""
        return self.tagger_version == PENDING_TAGS

    @property
    def stance_untagged(self) -> bool:
        """The tagger does not read this comment's language, so it gave no stance."""
        return self.stance == UNKNOWN and not self.corrected_stance

    @property
    def stance_uncertain(self) -> bool:
        return self.stance != UNKNOWN and self.sure_stance is None

    @property
    def stance_never_sure(self) -> bool:
        """Tagged by a poll's own head that is not sure of any stance yet (too few rows to show it)."""
        return is_never_sure(self.stance_sure_from)

    @hybrid_property
    def sure_stance(self) -> str | None:
        """The stance a moderator set or confirmed, else the tagger's where it is
        sure: what filters and the mismatch flag read (None: nobody is sure)."""
        return sure_stance(
            self.corrected_stance, self.stance, self.stance_confidence, self.language, self.stance_sure_from
        )

    @sure_stance.inplace.expression
    @classmethod
    def _sure_stance_expression(cls):
        # vocabulary.uncertain_below, in SQL.
        threshold = func.coalesce(
            cls.stance_sure_from,
            case(
                (or_(cls.language.is_(None), cls.language == ENGLISH), UNCERTAIN_BELOW),
                else_=UNCERTAIN_BELOW_OTHER_LANGUAGES,
            ),
        )
        return func.coalesce(
            cls.corrected_stance,
            case((and_(cls.stance != UNKNOWN, cls.stance_confidence >= threshold), cls.stance)),
        )

    @property
    def language_name(self) -> str:
        return (language_name(self.language) or "") if self.language else ""

    @hybrid_property
    def effective_stance(self) -> str:
        """The moderator's correction where there is one, else the tagger's stance."""
        return self.corrected_stance or self.stance

    @effective_stance.inplace.expression
    @classmethod
    def _effective_stance_expression(cls):
        return func.coalesce(cls.corrected_stance, cls.stance)


def published_threads(poll_id) -> tuple:
    """SQL conditions: a debate's published top-level comments, what its "All sides" tab counts and
    the poll page's "Join the debate: N comments" says (replies are read inside their threads)."""
    return (Comment.poll_id == poll_id, Comment.status == COMMENT_APPROVED, Comment.parent_id.is_(None))


class CommentMark(Model):
    """A voter's "good point" on a comment: at most one per voter and comment
    (the primary key), so a mark can never count twice."""

    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)
    voter_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VoterMute(Model):
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


class RejectionReason(Model):
    """A preset reason moderators pick when rejecting (admins edit the list)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(default=0)


class CommentFlag(Model):
    """An automatic or manual reason for a moderator to look at a comment."""

    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"), primary_key=True)
    flag: Mapped[str] = mapped_column(String(40), primary_key=True)

    comment: Mapped[Comment] = relationship(back_populates="flags")

    __table_args__ = (Index("ix_comment_flag_flag", "flag"),)


class StanceExample(Model):
    """An example argument an admin wrote for one side of a poll: a training
    row for that poll's stance head, beside its moderators' corrections."""

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    stance: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PollStanceHead(Model):
    """A poll's own stance head (``poll.tagging.heads.LinearHead`` as JSON),
    fitted by ``flask tagger train SLUG`` from its examples and corrections."""

    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    head: Mapped[dict] = mapped_column(JSON)
    rows: Mapped[int]
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def sure_from(self) -> float:
        """The confidence from which its stances are sure (NEVER_SURE: none is yet)."""
        return own_sure_from(self.head.get("card", {}))

    @property
    def never_sure(self) -> bool:
        return is_never_sure(self.sure_from)


BLOCKED_BANNED = "banned"
BLOCKED_SUSPECT = "suspect"
BLOCKED_KINDS = (BLOCKED_BANNED, BLOCKED_SUSPECT)


class BlockedWord(Model):
    """A word or phrase admins list: "banned" holds the comment for review even
    on a post-moderated poll; "suspect" only flags it for moderators."""

    id: Mapped[int] = mapped_column(primary_key=True)
    phrase: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default=BLOCKED_SUSPECT, server_default=BLOCKED_SUSPECT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{kind}'" for kind in BLOCKED_KINDS) + ")", name="kind"),
    )

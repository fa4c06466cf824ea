"""The review digest: each moderator who asks for one is emailed, hourly or daily at their hour
(in the newsroom's TIMEZONE), how much waits in the queue, with a link to it. Nothing is sent when
nothing waits, and ``digest_sent_at`` makes it once per period whoever runs the check (the
worker's periodic task, or `flask alerts send-digests`)."""

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, or_, update

from poll.accounts import audit
from poll.alerts.events import link
from poll.database import rows_changed
from poll.database.models import (
    COMMENT_FLAGGED,
    COMMENT_PENDING,
    DIGEST_DAILY,
    DIGEST_HOURLY,
    DIGEST_OFF,
    FLAG_UNCIVIL,
    Comment,
    CommentFlag,
    Moderator,
)
from poll.extensions import db

logger = logging.getLogger(__name__)


class DigestNotConfigured(Exception):
    """SMTP_HOST or MAIL_FROM is missing: no digest can go out."""


@dataclass(frozen=True)
class QueueCounts:
    awaiting: int
    appeals: int
    uncivil: int

    @property
    def anything(self) -> bool:
        return bool(self.awaiting or self.appeals or self.uncivil)

    def summary(self) -> str:
        """ "12 comments await review, 2 appeals, 3 flagged uncivil" """

        def count(number: int, one: str, many: str) -> str:
            return f"{number} {one if number == 1 else many}"

        return ", ".join(
            (
                count(self.awaiting, "comment awaits review", "comments await review"),
                count(self.appeals, "appeal", "appeals"),
                f"{self.uncivil} flagged uncivil",
            )
        )


def queue_counts() -> QueueCounts:
    """What waits for a moderator now: new comments held for review, appeals, uncivil ones."""
    uncivil = db.select(CommentFlag.comment_id).where(CommentFlag.flag == FLAG_UNCIVIL).scalar_subquery()
    awaiting, appeals, flagged = db.session.execute(
        db.select(
            func.count().filter(Comment.status == COMMENT_PENDING, Comment.appealed_at.is_(None)),
            func.count().filter(Comment.status == COMMENT_PENDING, Comment.appealed_at.is_not(None)),
            func.count().filter(Comment.id.in_(uncivil)),
        ).where(Comment.status.in_((COMMENT_PENDING, COMMENT_FLAGGED)))
    ).one()
    return QueueCounts(awaiting, appeals, flagged)


def period_start(schedule: str, hour: int | None, now: datetime, zone: str) -> datetime | None:
    """The start of the digest period ``now`` falls in (None: no digest). Hourly: this hour;
    daily: the last time the clock in ``zone`` showed ``hour`` o'clock."""
    if schedule == DIGEST_HOURLY:
        return now.replace(minute=0, second=0, microsecond=0)
    if schedule == DIGEST_DAILY and hour is not None:
        local = now.astimezone(ZoneInfo(zone))
        start = local.replace(hour=hour, minute=0, second=0, microsecond=0)
        if start > local:
            start -= timedelta(days=1)
        return start.astimezone(now.tzinfo)
    return None


def save_settings(moderator: Moderator, email: str, schedule: str, hour: int | None, now: datetime) -> None:
    """A moderator's own digest address and schedule (audited; the caller commits)."""
    before = {"email": moderator.email, "digest": moderator.digest, "digest_hour": moderator.digest_hour}
    moderator.email = email or None
    moderator.digest = schedule
    moderator.digest_hour = hour if schedule == DIGEST_DAILY else None
    after = {"email": moderator.email, "digest": moderator.digest, "digest_hour": moderator.digest_hour}
    if after != before:
        audit.record(
            moderator, "digest.settings", "moderator", moderator.username, now, before=before, after=after
        )


def compose(moderator: Moderator, counts: QueueCounts) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = moderator.email
    message["Subject"] = f"Debate Poll review digest: {counts.summary()}"
    message.set_content(
        f"Hello {moderator.username},\n\n"
        f"{counts.summary()}.\n\n"
        f"The moderation queue: {link('admin.queue')}\n\n"
        f"You get this digest {'every hour' if moderator.digest == DIGEST_HOURLY else 'once a day'}; "
        f"change it under My digest: {link('admin.digest_settings')}\n"
    )
    return message


def send_mail(message: EmailMessage) -> None:
    """Send ``message`` through SMTP_HOST (STARTTLS and a login when configured)."""
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)


def _claim(moderator: Moderator, start: datetime, now: datetime) -> bool:
    """Mark this period's digest as sent, unless someone else did first (commits)."""
    result = db.session.execute(
        update(Moderator)
        .where(
            Moderator.id == moderator.id,
            or_(Moderator.digest_sent_at.is_(None), Moderator.digest_sent_at < start),
        )
        .values(digest_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return rows_changed(result) == 1


def send_due_digests(now: datetime) -> int:
    """Send every digest due at ``now``; returns how many went. A digest whose sending fails is
    tried again at the next check (its period is not marked)."""
    config = current_app.config
    if not config["SMTP_HOST"] or not config["MAIL_FROM"]:
        raise DigestNotConfigured("Set SMTP_HOST and MAIL_FROM to send digests (docs/configuration.md).")
    wanting = db.session.execute(
        db.select(Moderator).where(
            Moderator.digest != DIGEST_OFF, Moderator.email.is_not(None), Moderator.disabled.is_(False)
        )
    ).scalars()
    due = []
    for moderator in wanting:
        start = period_start(moderator.digest, moderator.digest_hour, now, config["TIMEZONE"])
        if start is not None and (moderator.digest_sent_at is None or moderator.digest_sent_at < start):
            due.append((moderator, start, moderator.digest_sent_at))
    if not due:
        return 0
    counts = queue_counts()
    if not counts.anything:
        return 0
    sent = 0
    for moderator, start, previous in due:
        message = compose(moderator, counts)
        if not _claim(moderator, start, now):
            continue
        try:
            send_mail(message)
            sent += 1
        except (OSError, smtplib.SMTPException):
            logger.exception("could not send the review digest to moderator %s", moderator.id)
            db.session.execute(
                update(Moderator).where(Moderator.id == moderator.id).values(digest_sent_at=previous)
            )
            db.session.commit()
    return sent

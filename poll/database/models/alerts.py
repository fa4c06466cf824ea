"""Alerts: the webhook endpoints a newsroom registers, and each delivery made to them."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from poll.database.column_types import UTCDateTime, utcnow
from poll.extensions import Model

DELIVERY_PENDING = "pending"
DELIVERY_DELIVERED = "delivered"
DELIVERY_FAILED = "failed"
DELIVERY_STATUSES = (DELIVERY_PENDING, DELIVERY_DELIVERED, DELIVERY_FAILED)

DIGEST_OFF = "off"
DIGEST_HOURLY = "hourly"
DIGEST_DAILY = "daily"
DIGEST_SCHEDULES = (DIGEST_OFF, DIGEST_HOURLY, DIGEST_DAILY)

URL_MAX_LENGTH = 500


class WebhookEndpoint(Model):
    """A URL that is sent the events it subscribes to, signed with its own secret."""

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_MAX_LENGTH))
    description: Mapped[str] = mapped_column(String(100), default="")
    # Kept as written: every delivery is signed with it (HMAC needs the key itself).
    secret: Mapped[str] = mapped_column(String(64))
    events: Mapped[list] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deliveries: Mapped[list["WebhookDelivery"]] = relationship(
        back_populates="endpoint", cascade="all, delete-orphan", passive_deletes=True
    )


class WebhookDelivery(Model):
    """One event sent (or being sent) to one endpoint, with how its last attempt went."""

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(40))
    # The event's id (shared by its deliveries to every endpoint), for receivers to skip repeats.
    event_id: Mapped[str] = mapped_column(String(36))
    # What a receiver gets: a burst is announced once per endpoint, so its deliveries name it.
    subject: Mapped[str] = mapped_column(String(60), default="")
    # The JSON body exactly as signed and sent.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=DELIVERY_PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship(back_populates="deliveries")

    __table_args__ = (
        Index("ix_webhook_delivery_endpoint_id_created_at", "endpoint_id", "created_at"),
        Index("ix_webhook_delivery_event_subject", "event", "subject"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{status}'" for status in DELIVERY_STATUSES) + ")", name="status"
        ),
    )

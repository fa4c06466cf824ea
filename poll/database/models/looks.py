"""A newsroom's look: the accent colours, font, corner radius and light/dark scheme of a poll's card
and pages (one row per poll that sets one, and one row with no poll: the site's default)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from poll.database.column_types import UTCDateTime, utcnow
from poll.extensions import Model

__all__ = ["LOOK_FONTS", "LOOK_SCHEMES", "RADIUS_MAX", "Look"]

# Every field may be None: "not set here", so a poll's field falls back to the site's, and the
# site's to the built-in look of static/css/core.css.
LOOK_FONTS = ("serif", "sans", "system")
LOOK_SCHEMES = ("light", "dark", "auto")
RADIUS_MAX = 24


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IS NULL OR {column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


class Look(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # None: the site's default look, which alone has site_default set (True): unique, so there is one.
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), unique=True)
    site_default: Mapped[bool | None] = mapped_column(unique=True)
    # "#rrggbb", lower case: on light pages, and on dark ones.
    accent: Mapped[str | None] = mapped_column(String(7))
    accent_dark: Mapped[str | None] = mapped_column(String(7))
    font: Mapped[str | None] = mapped_column(String(10))
    radius: Mapped[int | None] = mapped_column()
    scheme: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(_one_of("font", LOOK_FONTS), name="font"),
        CheckConstraint(_one_of("scheme", LOOK_SCHEMES), name="scheme"),
        CheckConstraint(f"radius IS NULL OR (radius >= 0 AND radius <= {RADIUS_MAX})", name="radius"),
        CheckConstraint(
            "(poll_id IS NULL AND site_default IS TRUE) OR (poll_id IS NOT NULL AND site_default IS NULL)",
            name="site_or_poll",
        ),
    )

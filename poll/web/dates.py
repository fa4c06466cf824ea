"""How times read on our pages: one set of formats instead of a ``strftime`` per template.

Stored times are aware UTC. Readers see UTC (they are anywhere; the exact time sits in
``<time datetime>``); the newsroom's own pages show its time zone (``TIMEZONE``), named.
Formats are built from fields, not ``%-d``, which only glibc's ``strftime`` knows.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# Each style as str.format fields of the time (day without a leading zero).
STYLES = {
    "date": "{day} {t:%B %Y}",
    "short_date": "{day} {t:%b %Y}",
    "day": "{day} {t:%b}",
    "long": "{day} {t:%B %Y, %H:%M}",
    "short": "{day} {t:%b %Y, %H:%M}",
    "seconds": "{day} {t:%b %Y, %H:%M:%S}",
    "time": "{t:%H:%M}",
}
# Styles that name no hour, and so no zone.
DATE_ONLY = {"date", "short_date", "day"}


def format_moment(value: datetime | None, style: str = "long", zone: ZoneInfo | None = None) -> str:
    """``value`` in ``style``, in ``zone`` (UTC when None) with the zone's abbreviation after it.

    >>> format_moment(datetime(2026, 3, 5, 9, 7, tzinfo=UTC))
    '5 March 2026, 09:07 UTC'
    >>> format_moment(datetime(2026, 3, 5, 9, 7, tzinfo=UTC), "short", ZoneInfo("Asia/Seoul"))
    '5 Mar 2026, 18:07 KST'
    """
    if value is None:
        return ""
    if style not in STYLES:
        raise ValueError(f"unknown time style {style!r}; one of {', '.join(STYLES)}")
    moment = value.astimezone(zone or UTC)
    text = STYLES[style].format(day=moment.day, t=moment)
    if style in DATE_ONLY:
        return text
    return f"{text} {moment.tzname()}"

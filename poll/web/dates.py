"""How times read on our pages: one set of formats instead of a ``strftime`` per template.

Stored times are aware UTC. Readers see UTC (they are anywhere; the exact time sits in
``<time datetime>``); the newsroom's own pages show its time zone (``TIMEZONE``), named.
Formats are built from fields, not ``%-d``, which only glibc's ``strftime`` knows.
"""

from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton, format_timedelta
from flask_babel import gettext

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


# The same styles as CLDR skeletons, for readers' pages in their own language (Babel); English is
# drawn in British order ("5 March 2026, 09:07"), the house style above.
SKELETONS = {
    "date": ("yMMMMd", None),
    "short_date": ("yMMMd", None),
    "day": ("MMMd", None),
    "long": ("yMMMMd", "Hm"),
    "short": ("yMMMd", "Hm"),
    "seconds": ("yMMMd", "Hms"),
    "time": (None, "Hm"),
}
ENGLISH_FORMATS = "en_GB"
# Relative times: below each bound, whole units of the size given ("3 hours ago", never "3.4").
RELATIVE_UNITS: tuple[tuple[Literal["minute", "hour", "day"], int, int], ...] = (
    ("minute", 60, 3600),
    ("hour", 3600, 86400),
    ("day", 86400, 30 * 86400),
)


def formats_locale(locale: str | Locale) -> Locale:
    """The locale whose date patterns a reader's language uses (British ones for English)."""
    locale = Locale.parse(locale)
    return Locale.parse(ENGLISH_FORMATS) if locale.language == "en" else locale


def format_reader_moment(value: datetime | None, style: str, locale: str | Locale) -> str:
    """``value`` in ``style`` for a reader reading ``locale``, in UTC, named.

    >>> format_reader_moment(datetime(2026, 3, 5, 9, 7, tzinfo=UTC), "long", "en")
    '5 March 2026, 09:07 UTC'
    >>> format_reader_moment(datetime(2026, 3, 5, 9, 7, tzinfo=UTC), "long", "ko")
    '2026년 3월 5일 09:07 UTC'
    """
    if value is None:
        return ""
    if style not in SKELETONS:
        raise ValueError(f"unknown time style {style!r}; one of {', '.join(SKELETONS)}")
    moment = value.astimezone(UTC)
    patterns = formats_locale(locale)
    date_skeleton, time_skeleton = SKELETONS[style]
    date = format_skeleton(date_skeleton, moment, locale=patterns) if date_skeleton else ""
    if time_skeleton is None:
        return date
    time = f"{format_skeleton(time_skeleton, moment, locale=patterns)} UTC"
    return patterns.datetime_formats["medium"].format(time, date) if date else time


def relative_time(then: datetime, now: datetime, locale: str | Locale) -> str:
    """ "just now", "5 minutes ago", "3 hours ago", "2 days ago" in ``locale``; the date after 30 days."""
    seconds = int((now - then).total_seconds())
    if seconds < 60:
        return gettext("just now")
    for unit, size, below in RELATIVE_UNITS:
        if seconds < below:
            whole = timedelta(seconds=-(seconds // size) * size)
            return format_timedelta(whole, granularity=unit, threshold=1, add_direction=True, locale=locale)
    return format_reader_moment(then, "short_date", locale)

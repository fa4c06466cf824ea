"""Times in the newsroom's zone: how a stored (UTC) time shows in the editor, and the UTC time of one
typed there, with the nights the clocks change."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from poll.polls.editing import PollError


def local_time(value: datetime, zone: ZoneInfo) -> datetime:
    """A stored (UTC) time as the naive wall-clock time the editor shows in ``zone``."""
    return value.astimezone(zone).replace(tzinfo=None)


def utc_from_local(local: datetime, zone: ZoneInfo, stored: datetime | None = None) -> tuple[datetime, str]:
    """The UTC time of a wall-clock time typed in ``zone``, and a note for the editor ("" if none).

    A time the clocks skip (spring forward) does not exist and is refused. A time that happens twice
    (autumn) is taken as the first, and the note says so. ``stored`` is the time already saved: when it
    shows as ``local`` it is kept as it is, so saving the form again never moves the second of two
    same-looking times, nor drops its seconds."""
    if stored is not None and local_time(stored, zone).replace(second=0, microsecond=0) == local:
        return stored, ""
    first, second = local.replace(tzinfo=zone, fold=0), local.replace(tzinfo=zone, fold=1)
    when = f"{local:%H:%M} on {local.day} {local:%B %Y}"
    try:
        as_utc = first.astimezone(UTC)
        shown = local_time(as_utc, zone)
    except OverflowError:  # past what a date can hold once moved to UTC (year 9999 and beyond)
        raise PollError(f"{when} is too far ahead: choose a time before the year 9999.") from None
    if shown != local:
        after = as_utc.astimezone(zone)
        raise PollError(
            f"There is no {when} in {zone.key}: the clocks go forward that night ({first:%Z} to "
            f"{second:%Z}). Please choose another time, such as {after:%H:%M}."
        )
    if first.utcoffset() != second.utcoffset():
        return as_utc, (
            f"{when} happens twice in {zone.key} (the clocks go back from {first:%Z} to {second:%Z}): it is "
            f"taken as the first, {as_utc:%H:%M} UTC."
        )
    return as_utc, ""

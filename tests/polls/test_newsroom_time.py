"""Times typed in the newsroom's zone, on ordinary days and the nights the clocks change."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from poll.polls.editing import PollError
from poll.polls.newsroom_time import utc_from_local


def test_utc_from_local_in_other_zones():
    seoul, new_york = ZoneInfo("Asia/Seoul"), ZoneInfo("America/New_York")
    assert utc_from_local(datetime(2026, 1, 1, 9, 0), seoul) == (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), "")
    with pytest.raises(PollError, match="clocks go forward that night \\(EST to EDT\\)"):
        utc_from_local(datetime(2026, 3, 8, 2, 30), new_york)
    value, note = utc_from_local(datetime(2026, 11, 1, 1, 30), new_york)
    assert value == datetime(2026, 11, 1, 5, 30, tzinfo=UTC) and "from EDT to EST" in note

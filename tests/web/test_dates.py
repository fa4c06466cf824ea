"""How times read: one set of formats, UTC for readers, the newsroom's zone on its own pages."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from poll.web.dates import STYLES, format_moment

MOMENT = datetime(2026, 3, 5, 9, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("long", "5 March 2026, 09:07 UTC"),
        ("short", "5 Mar 2026, 09:07 UTC"),
        ("seconds", "5 Mar 2026, 09:07:30 UTC"),
        ("time", "09:07 UTC"),
        ("date", "5 March 2026"),
        ("short_date", "5 Mar 2026"),
        ("day", "5 Mar"),
    ],
)
def test_each_style_in_utc_has_no_leading_zero_on_the_day(style, expected):
    assert format_moment(MOMENT, style) == expected


def test_a_zone_converts_and_names_itself_even_across_midnight():
    seoul = ZoneInfo("Asia/Seoul")
    assert format_moment(datetime(2026, 3, 5, 20, 0, tzinfo=UTC), "short", seoul) == "6 Mar 2026, 05:00 KST"
    # Summer and winter abbreviations come from the zone, not a fixed offset.
    berlin = ZoneInfo("Europe/Berlin")
    assert format_moment(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "time", berlin) == "14:00 CEST"
    assert format_moment(datetime(2026, 1, 1, 12, 0, tzinfo=UTC), "time", berlin) == "13:00 CET"


def test_nothing_gives_nothing_and_an_unknown_style_is_a_programming_error():
    assert format_moment(None) == ""
    with pytest.raises(ValueError, match="unknown time style"):
        format_moment(MOMENT, "fancy")
    assert "fancy" not in STYLES


def test_the_template_filter_uses_the_newsroom_zone_only_when_asked(app):
    app.config["TIMEZONE"] = "Asia/Seoul"
    with app.test_request_context():
        render = app.jinja_env.from_string("{{ t|when }} / {{ t|when('time', local=True) }}").render
        assert render(t=MOMENT) == "5 March 2026, 09:07 UTC / 18:07 KST"

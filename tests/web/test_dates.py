"""How times read: one set of formats, UTC for readers, the newsroom's zone on its own pages."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from poll.web.dates import STYLES, format_moment, format_reader_moment, relative_time

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


@pytest.mark.parametrize(
    ("seconds", "locale", "words"),
    [
        (5, "en", "just now"),
        (60, "en", "1 minute ago"),
        (150, "en", "2 minutes ago"),
        (3600, "en", "1 hour ago"),
        (86400 * 3, "en", "3 days ago"),
        (3600 * 3, "ko", "3시간 전"),
        (86400 * 2, "ar", "قبل يومين"),
        (60 * 5, "ja", "5 分前"),
        (3600, "fr", "il y a 1 heure"),
    ],
)
def test_relative_time_in_the_readers_language(seconds, locale, words):
    now = datetime(2026, 3, 5, 9, 7, tzinfo=UTC)
    assert relative_time(now - timedelta(seconds=seconds), now, locale) == words


def test_relative_time_gives_the_date_after_a_month():
    now = datetime(2026, 3, 5, 9, 7, tzinfo=UTC)
    assert relative_time(now - timedelta(days=45), now, "en") == "19 Jan 2026"
    assert relative_time(now - timedelta(days=45), now, "ko") == "2026년 1월 19일"


@pytest.mark.parametrize("style", sorted(STYLES))
def test_reader_formats_in_english_are_the_house_styles(style):
    assert format_reader_moment(MOMENT, style, "en") == format_moment(MOMENT, style)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("ko", "2026년 3월 5일 09:07 UTC"),
        ("fr", "5 mars 2026, 09:07 UTC"),
        ("zh_Hans", "2026年3月5日 09:07 UTC"),
    ],
)
def test_reader_formats_follow_the_readers_language(locale, expected):
    assert format_reader_moment(MOMENT, "long", locale) == expected

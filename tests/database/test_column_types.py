"""utc_text: one construct that each engine compiles into its own formatting."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import column, literal, select, table

from poll.database.column_types import UTC_TEXT_LAYOUTS, UTCDateTime, utc_text
from poll.extensions import db

MOMENT = datetime(2026, 12, 2, 14, 5, 9, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    "layout, text",
    [
        ("iso_milliseconds", "2026-12-02T14:05:09.123Z"),
        ("stored", "2026-12-02 14:05:09.123456"),
        ("hour", "2026-12-02 14:00"),
        ("day", "2026-12-02"),
    ],
)
def test_each_layout_reads_the_same_on_this_engine(app, layout, text):
    """Run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL: the same text on both."""
    seoul = MOMENT.astimezone(timezone(timedelta(hours=9)))  # stored as UTC whatever zone it came in
    with app.app_context():
        assert db.session.scalar(select(utc_text(literal(seoul, UTCDateTime()), layout))) == text


def test_an_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="unknown layout"):
        utc_text(column("created_at"), "month")


def test_the_layout_is_part_of_the_cache_key():
    """Two statements differing only by layout must not share one cached compilation."""
    votes = table("vote", column("created_at"))
    keys = {
        repr(select(utc_text(votes.c.created_at, layout))._generate_cache_key().key)
        for layout in UTC_TEXT_LAYOUTS
    }
    assert len(keys) == len(UTC_TEXT_LAYOUTS)

"""#27 item 7: a poll opening 9999-12-31T23:00 in America/New_York, or an export
until 9999-12-31, overflowed a date and answered 500."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from poll.database.models import Poll
from poll.exports.rows import build_request
from poll.extensions import db
from poll.polls.editing import PollError
from poll.polls.newsroom_time import utc_from_local
from tests.helpers import GOOD


def test_a_time_past_what_a_date_holds_in_utc_is_a_clear_error():
    with pytest.raises(PollError, match="too far ahead"):
        utc_from_local(datetime(9999, 12, 31, 23, 0), ZoneInfo("America/New_York"))


def test_the_editor_refuses_it_beside_the_field_and_stores_nothing(app, admin_client):
    app.config["TIMEZONE"] = "America/New_York"
    response = admin_client.post("/admin/polls/new", data={**GOOD, "opens_at": "9999-12-31T23:00"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "too far ahead" in page and GOOD["question"] in page
    with app.app_context():
        assert db.session.execute(db.select(Poll).filter_by(slug=GOOD["slug"])).scalar_one_or_none() is None


def test_until_the_last_day_there_is_means_no_end(moderator_client):
    assert build_request("votes", None, None, date.max).until is None  # no bound
    for path in ("/admin/export/votes.csv", "/admin/audit"):
        response = moderator_client.get(path, query_string={"until": "9999-12-31", "since": "2026-01-01"})
        body = response.get_data()  # read to its end: an export is streamed
        assert response.status_code == 200 and body, path

import pytest

from poll.database.column_types import utcnow
from poll.database.models import Poll
from poll.extensions import db
from poll.polls.editing import PollError, close_poll, reopen_poll


def test_closing_a_closed_poll_or_reopening_an_open_one_is_a_conflict_that_says_why(app, debate_poll):
    with app.app_context():
        poll = db.session.execute(db.select(Poll).filter_by(slug=debate_poll)).scalar_one()
        with pytest.raises(PollError) as not_closed:
            reopen_poll(poll, None, utcnow())
        close_poll(poll, None, utcnow())
        with pytest.raises(PollError) as closed:
            close_poll(poll, None, utcnow())
    assert (not_closed.value.status, str(not_closed.value)) == (409, "This poll is not closed.")
    assert (closed.value.status, str(closed.value)) == (409, "This poll is already closed.")

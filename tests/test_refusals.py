"""Refusals carry their status: services raise them, Flask answers them, no view maps them."""

from datetime import timedelta

import pytest

from poll.database.column_types import utcnow
from poll.debate.appeals import AppealError
from poll.debate.comments import CommentsClosedError, DebateRequestError
from poll.polls.voids import VoidError
from poll.polls.voting import PollClosedError
from poll.refusals import Refused


@pytest.mark.parametrize(
    "refusal, status",
    [
        (AppealError("Not yours.", 404), 404),
        (DebateRequestError("Unknown sort."), 400),
        (VoidError("Already void.", 409), 409),
        (PollClosedError("This poll has closed."), 403),
        (CommentsClosedError("Closed."), 403),
    ],
)
def test_a_refusal_reads_as_its_message_and_answers_with_its_status(refusal, status):
    assert isinstance(refusal, Refused)
    assert (refusal.code, refusal.status) == (status, status)
    assert str(refusal) == refusal.description == refusal.message


def test_a_refusal_from_a_service_reaches_the_reader_with_its_words_and_status(client, debate_poll):
    page = client.get(f"/polls/{debate_poll}/debate?sort=loudest")
    assert page.status_code == 400
    assert "Unknown sort &#39;loudest&#39;" in page.get_data(as_text=True)


def test_a_closed_poll_refuses_a_vote_with_the_services_words(client, make_poll):
    slug = make_poll(closes_at=utcnow() - timedelta(minutes=1), opens_at=utcnow() - timedelta(hours=2))
    response = client.post(f"/polls/{slug}/vote", data={"choice": "a"})
    assert response.status_code == 403
    assert "This poll has closed, so it cannot take votes." in response.get_data(as_text=True)

"""Simultaneous votes give exact tallies and one vote per voter."""

import threading
from concurrent.futures import ThreadPoolExecutor

from poll.voters.cookie import VOTER_COOKIE, sign_voter_token
from poll.voters.pseudonyms import voter_id_for
from tests.helpers import counted_from_votes, counters, vote_rows

THREADS = 50
SHARED_VOTER = "5" * 32
CHOICES = ("military", "diplomacy", "undecided")


def test_fifty_threads_voting_at_once_give_exact_tallies(app, debate_poll):
    with app.app_context():
        shared_cookie = sign_voter_token(SHARED_VOTER)
        shared_voter_id = voter_id_for(SHARED_VOTER)
    start = threading.Barrier(THREADS)

    def cast(index: int) -> int:
        client = app.test_client()
        if index % 2 == 0:
            client.set_cookie(VOTER_COOKIE, shared_cookie)
        start.wait(timeout=30)
        response = client.post(f"/polls/{debate_poll}/vote", data={"choice": CHOICES[index % 3]})
        return response.status_code

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        statuses = list(pool.map(cast, range(THREADS)))

    assert statuses == [302] * THREADS
    rows = vote_rows(app, debate_poll)
    voters = [voter for voter, _ in rows]
    assert len(voters) == len(set(voters)) == THREADS // 2 + 1
    assert voters.count(shared_voter_id) == 1
    assert counters(app, debate_poll) == counted_from_votes(app, debate_poll)
    assert sum(counters(app, debate_poll).values()) == THREADS // 2 + 1


def test_racing_first_votes_from_one_browser_store_one_vote(app, debate_poll):
    """A double click on a slow phone, or ten POSTs at once from one new browser
    (a session holding its CSRF secret, no voter cookie yet): one vote, which the
    browser then owns and can change."""
    issued = app.test_client()
    assert issued.get(f"/polls/{debate_poll}").status_code == 200
    session_cookie = issued.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert session_cookie is not None
    racers = 10
    start = threading.Barrier(racers)

    def cast(index: int) -> int:
        client = app.test_client()
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], session_cookie.value)
        start.wait(timeout=30)
        return client.post(f"/polls/{debate_poll}/vote", data={"choice": CHOICES[index % 2]}).status_code

    with ThreadPoolExecutor(max_workers=racers) as pool:
        statuses = list(pool.map(cast, range(racers)))

    assert all(status in (302, 303) for status in statuses), statuses
    assert len(vote_rows(app, debate_poll)) == 1
    assert counters(app, debate_poll) == counted_from_votes(app, debate_poll)
    # The browser holds that vote: changing it from the same session moves it, adds nothing.
    again = app.test_client()
    again.set_cookie(app.config["SESSION_COOKIE_NAME"], session_cookie.value)
    again.post(f"/polls/{debate_poll}/vote", data={"choice": "undecided"})
    assert [choice for _, choice in vote_rows(app, debate_poll)] == ["undecided"]

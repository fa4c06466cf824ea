"""Simultaneous votes give exact tallies and one vote per voter."""

import threading
from concurrent.futures import ThreadPoolExecutor

from poll.pseudonyms import voter_id_for
from poll.voter import VOTER_COOKIE, sign_voter_token

from .helpers import counted_from_votes, counters, vote_rows

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

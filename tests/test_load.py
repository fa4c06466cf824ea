"""Integrity under load: the app under gunicorn, real HTTP, real databases.

2,700 vote attempts from 250 voters (bursts of simultaneous submissions,
changed minds, four voters to an address, a ballot stuffer) must leave tallies
equal to the ground truth, with no 5xx; a kill -9 mid-load must lose no
confirmed vote; two app processes sharing PostgreSQL and Redis must do the same
as one. These run on the engine the suite runs on (TEST_DATABASE_URL, else SQLite).

The suite runs a quarter of `make load`'s plan (bench/integrity.py: 1,000 voters,
10,200 attempts): the same 48 connections, bursts and stuffer, so the races are
the same; the full size took 95 of the suite's seconds and adds only duration.
"""

from contextlib import contextmanager
from dataclasses import replace

import pytest

from bench.load_harness import (
    Attempt,
    LoadPlan,
    LoadRun,
    candidates,
    crash_run,
    fresh_postgres_database,
    integrity_run,
    redis_available,
    stuffer_problems,
)
from tests.conftest import TEST_DATABASE_URL

# bench/integrity.py's plan scaled down, voters per address kept at four.
SUITE_PLAN = LoadPlan(voters=250, attempts_per_voter=10, addresses=62, stuffer_attempts=200)

needs_redis = pytest.mark.skipif(
    not redis_available(), reason="Redis at 127.0.0.1:6379 is needed (the shared rate-limit store)"
)


@contextmanager
def load_database(tmp_path):
    if TEST_DATABASE_URL:
        with fresh_postgres_database(TEST_DATABASE_URL) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'load.sqlite3'}"


def assert_no_problems(outcome):
    print(outcome.summary())
    assert outcome.problems == []


@pytest.mark.slow
@needs_redis
def test_thousands_of_attempts_from_hundreds_of_voters_give_exact_tallies(tmp_path):
    with load_database(tmp_path) as url:
        outcome = integrity_run(url, SUITE_PLAN, processes=1, workers=4)
    assert_no_problems(outcome)
    assert len(outcome.run.attempts) + len(outcome.run.stuffer) == 2_700
    assert outcome.verdict.checked_voters == 250
    # The stuffer got its allowance and no more, across four workers.
    assert sum(attempt.status == 429 for attempt in outcome.run.stuffer) == 80


@pytest.mark.slow
@needs_redis
def test_every_confirmed_vote_survives_kill_9_mid_load(tmp_path):
    with load_database(tmp_path) as url:
        outcome = crash_run(url, replace(SUITE_PLAN, stuffer_attempts=0), kill_after=1_000)
    assert_no_problems(outcome)
    assert outcome.run.stopped_early
    assert outcome.run.succeeded >= 1_000
    assert outcome.verdict.checked_voters > 0


@pytest.mark.slow
@needs_redis
@pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="scale-out needs a shared server database (TEST_DATABASE_URL)"
)
def test_two_app_processes_sharing_postgres_and_redis_give_exact_tallies():
    with fresh_postgres_database(TEST_DATABASE_URL) as url:
        outcome = integrity_run(url, SUITE_PLAN, processes=2, workers=2)
    assert_no_problems(outcome)
    # Requests alternate between the processes; one Redis count holds the stuffer to its allowance.
    assert sum(attempt.succeeded for attempt in outcome.run.stuffer) == 120


# The checks themselves ------------------------------------------------------


def attempt(choice, sent, received=None, status=None):
    return Attempt(voter=1, choice=choice, sent=sent, received=received, status=status)


def test_candidates_after_plain_votes_is_the_last_confirmed_one():
    attempts = [attempt("military", 0, 1, 302), attempt("diplomacy", 2, 3, 302)]
    assert candidates(attempts) == {"diplomacy"}


def test_candidates_include_every_vote_of_a_simultaneous_burst():
    burst = [
        attempt(choice, 2, 3 + n, 302) for n, choice in enumerate(("military", "diplomacy", "undecided"))
    ]
    assert candidates([attempt("military", 0, 1, 302), *burst]) == {"military", "diplomacy", "undecided"}


def test_candidates_include_an_unanswered_vote_but_not_a_refused_one():
    attempts = [
        attempt("military", 0, 1, 302),
        attempt("undecided", 2, 3, 503),
        attempt("diplomacy", 4),  # the server died before answering
    ]
    assert candidates(attempts) == {"military", "diplomacy"}


def test_a_stuffer_let_through_beyond_the_allowance_is_a_problem():
    run = LoadRun(LoadPlan(stuffer_attempts=130))
    run.stuffer = [attempt("military", n, n, 302) for n in range(125)] + [
        attempt("military", n, n, 429) for n in range(5)
    ]
    assert stuffer_problems(run) != []
    run.stuffer[120:125] = [attempt("military", n, n, 429) for n in range(5)]
    assert stuffer_problems(run) == []

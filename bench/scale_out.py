"""Votes per second and p99 of the app as deployed (docs/benchmarks.md, "The app as deployed").

    python -m bench.scale_out

Each deployment runs under the project's gunicorn.conf.py (gevent workers), with
the rate-limit counts in Redis, on a fresh database migrated and seeded as `make run` does it:

- SQLite, one app server with 4 workers;
- PostgreSQL, one app server with 4 workers;
- PostgreSQL, two app servers with 2 workers each, sharing the database and
  Redis, each driven by its own wrk with half the connections, at the same time.

Every vote is a first vote by a new voter (a valid session, CSRF token and
voter cookie, minted beforehand), at 16 and 64 connections, best of
BENCH_TRIALS runs. hello-world under the same server settings is measured just
before each deployment, as its baseline. After each deployment the votes table
is checked: at least every vote answered must be stored, and the counters must
equal the votes. The run exits 1 on that, on a refused vote, a failed connection,
or a voter slice used up (raise BENCH_VOTERS_PER_RUN on a faster machine).

BENCH_POSTGRES_SERVER names the PostgreSQL server (a database is created and
dropped beside the one named); default postgresql+psycopg://postgres@127.0.0.1:5432/test.
"""

import itertools
import os
import secrets
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from poll import create_app
from poll.extensions import db
from poll.polls.debate_poll import DEBATE_POLL_SLUG

from .common import LIFTED_VOTE_LIMITS, AppServer, LoadResult, prepare_database, run_wrk
from .http_load import VOTE_SCRIPT, mint_voters, votes_are_consistent
from .load_harness import (
    POSTGRES_SERVER,
    REDIS_URL,
    fresh_postgres_database,
    postgres_available,
    redis_available,
)

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
TRIALS = int(os.environ.get("BENCH_TRIALS", "2"))
CONNECTIONS = (16, 64)
# Each vote run has its own slice of voters, so that every vote is a first vote;
# a run that reaches the end of its slice is reported, never silently repeated.
VOTERS_PER_RUN = int(os.environ.get("BENCH_VOTERS_PER_RUN", "20000"))
VOTE_PATH = f"/polls/{DEBATE_POLL_SLUG}/vote"
POLL_PATH = f"/polls/{DEBATE_POLL_SLUG}"
# gunicorn's own request timeout: a slow vote is measured, not dropped at wrk's 2 s.
WRK_TIMEOUT = "30s"


@dataclass
class Deployment:
    name: str
    server_count: int
    workers: int
    # A fresh database for the deployment, as a context manager yielding its URL.
    database: Callable[[], AbstractContextManager[str]]


@dataclass
class TableRow:
    name: str
    connections: int
    result: LoadResult
    baseline: LoadResult


def server_env(database_url: str, secret_key: str) -> dict[str, str]:
    """What every server of a deployment runs with."""
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        # A prefix of its own keeps this run's counts apart from anything else in the shared Redis.
        "RATELIMIT_KEY_PREFIX": f"scale-{secrets.token_hex(4)}",
        **LIFTED_VOTE_LIMITS,
        # Plain HTTP on loopback, whatever the shell says (HTTPS=1 would redirect every vote).
        "HTTPS": "0",
    }


def side_by_side(results: list[LoadResult]) -> LoadResult:
    """Runs at the same time as one: their votes/s summed, the worse p99 (a
    reader on either server waits that long)."""
    return LoadResult(
        requests_per_second=sum(r.requests_per_second for r in results),
        p99_ms=max(r.p99_ms for r in results),
        requests=sum(r.requests for r in results),
        bad_responses=sum(r.bad_responses for r in results),
        socket_errors=sum(r.socket_errors for r in results),
        timeouts=sum(r.timeouts for r in results),
    )


@dataclass
class VoteRun:
    result: LoadResult
    slice_used_up: bool


def vote_run(urls: list[str], connections: int, script: Path, wrk_env: dict, first_voter: int) -> VoteRun:
    """One vote run against every server at once, each with its share of the
    connections and of the run's slice of voters."""
    share = VOTERS_PER_RUN // len(urls)

    def drive(index: int) -> LoadResult:
        start = first_voter + index * share
        voter_slice = {"BENCH_VOTER_OFFSET": str(start), "BENCH_VOTER_LAST": str(start + share)}
        return run_wrk(
            urls[index], SECONDS, connections // len(urls), script, {**wrk_env, **voter_slice}, WRK_TIMEOUT
        )

    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        results = list(pool.map(drive, range(len(urls))))
    # Lines a run may have taken: the answered, the failed, and one in flight per connection.
    # wrk's two threads take alternate lines, so either may reach the end first.
    used_up = any(
        r.requests + r.socket_errors + r.timeouts + connections // len(urls) > 0.9 * share for r in results
    )
    return VoteRun(side_by_side(results), used_up)


def best_of_trials(run_once: Callable[[int], LoadResult]) -> dict[int, LoadResult]:
    """The best of TRIALS runs at each connection count, the counts alternating."""
    best: dict[int, LoadResult] = {}
    for _ in range(TRIALS):
        for connections in CONNECTIONS:
            result = run_once(connections)
            if connections not in best or result.requests_per_second > best[connections].requests_per_second:
                best[connections] = result
    return best


def hello_baseline(secret_key: str, folder: Path) -> dict[int, LoadResult]:
    """hello-world under the same server settings, measured now."""
    env = server_env(f"sqlite:///{folder / 'hello.sqlite3'}", secret_key)
    server = AppServer(env, 4, app_spec="bench.hello:app")
    try:
        url = server.start().base_url
        run_wrk(url + "/", 2, 16)
        return best_of_trials(lambda connections: run_wrk(url + "/", SECONDS, connections))
    finally:
        server.stop()


def vote_problems(name: str, runs: list[VoteRun], stored: int, consistent: bool) -> list[str]:
    problems = []
    answered = sum(run.result.requests - run.result.bad_responses for run in runs)
    refused = sum(run.result.bad_responses for run in runs)
    failed = sum(run.result.socket_errors for run in runs)
    if not consistent:
        problems.append(f"{name}: the counters differ from the votes")
    # Answered votes are new voters' first votes, so each is a row; a vote still in
    # flight when wrk stopped may be stored as well.
    if stored < answered:
        problems.append(f"{name}: {answered:,} votes answered, only {stored:,} stored")
    if refused:
        problems.append(f"{name}: {refused} votes refused (4xx or 5xx)")
    if failed:
        problems.append(f"{name}: {failed} connections failed (connect, read or write)")
    if any(run.slice_used_up for run in runs):
        problems.append(f"{name}: a run used up its voters; raise BENCH_VOTERS_PER_RUN")
    return problems


def measure(
    deployment: Deployment, secret_key: str, script: Path, wrk_env: dict
) -> tuple[dict[int, LoadResult], list[str]]:
    """The deployment's best vote run at each connection count, and what went wrong."""
    with deployment.database() as database_url:
        env = server_env(database_url, secret_key)
        prepare_database(env)
        servers = [
            AppServer(env, deployment.workers, probe=POLL_PATH) for _ in range(deployment.server_count)
        ]
        runs: list[VoteRun] = []
        voter_slices = itertools.count()
        try:
            urls = [server.start().base_url for server in servers]
            for url in urls:  # warm each worker's imports and connection pool
                run_wrk(url + POLL_PATH, 2, 16)

            def run_once(connections: int) -> LoadResult:
                runs.append(vote_run(urls, connections, script, wrk_env, next(voter_slices) * VOTERS_PER_RUN))
                return runs[-1].result

            best = best_of_trials(run_once)
        finally:
            for server in servers:
                server.stop()
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secret_key})
        with app.app_context():
            stored, consistent = votes_are_consistent(DEBATE_POLL_SLUG)
            db.engine.dispose()
    print(f"{deployment.name}: {stored:,} votes stored; counters equal the votes table: {consistent}")
    return best, vote_problems(deployment.name, runs, stored, consistent)


def main() -> int:
    if not redis_available():
        print("Redis at 127.0.0.1:6379 is needed (the shared rate-limit store)")
        return 1
    if not postgres_available(POSTGRES_SERVER):
        print(f"PostgreSQL is needed at {POSTGRES_SERVER} (BENCH_POSTGRES_SERVER)")
        return 1
    secret_key = secrets.token_hex(32)
    runs_per_deployment = TRIALS * len(CONNECTIONS)
    print(
        f"wrk: {SECONDS}s runs, {' and '.join(map(str, CONNECTIONS))} connections, best of {TRIALS}, "
        f"timeout {WRK_TIMEOUT}; minting {runs_per_deployment * VOTERS_PER_RUN:,} voters"
    )
    with tempfile.TemporaryDirectory(prefix="debate-poll-scale-") as scratch:
        folder = Path(scratch)
        # The voters' cookies are signed with the one key every deployment shares.
        minting_app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": secret_key})
        voters_file = folder / "voters.tsv"
        mint_voters(minting_app, runs_per_deployment * VOTERS_PER_RUN, voters_file)
        script = folder / "vote.lua"
        script.write_text(VOTE_SCRIPT)
        wrk_env = {"BENCH_VOTERS_FILE": str(voters_file), "BENCH_VOTE_PATH": VOTE_PATH}
        deployments = [
            Deployment(
                "SQLite, 1 server x 4 workers",
                1,
                4,
                lambda: nullcontext(f"sqlite:///{folder / 'scale.sqlite3'}"),
            ),
            Deployment(
                "PostgreSQL, 1 server x 4 workers", 1, 4, lambda: fresh_postgres_database(POSTGRES_SERVER)
            ),
            Deployment(
                "PostgreSQL, 2 servers x 2 workers", 2, 2, lambda: fresh_postgres_database(POSTGRES_SERVER)
            ),
        ]
        rows: list[TableRow] = []
        problems: list[str] = []
        for deployment in deployments:
            baseline = hello_baseline(secret_key, folder)
            best, problems_found = measure(deployment, secret_key, script, wrk_env)
            rows += [TableRow(deployment.name, c, best[c], baseline[c]) for c in CONNECTIONS]
            problems += problems_found

    print(
        f"\n{'deployment':<36} {'conns':>5} {'votes/s':>9} {'p99':>10}  "
        f"against the hello-world measured before it"
    )
    for row in rows:
        ratio = row.result.requests_per_second / row.baseline.requests_per_second
        print(
            f"{row.name:<36} {row.connections:>5} {row.result.requests_per_second:>9,.0f} "
            f"{row.result.p99_ms:>7.1f} ms  {ratio:.2f}x of {row.baseline.requests_per_second:,.0f} req/s "
            f"(timeouts {row.result.timeouts})"
        )
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Votes per second and p99 of the app as deployed ("Scaling out" in the README).

    python -m bench.scale_out

Each deployment runs under the project's gunicorn.conf.py (gthread workers), with
the rate-limit counts in Redis, on a fresh database migrated and seeded as
`make run` does it:

- SQLite, one app server with 4 workers;
- PostgreSQL, one app server with 4 workers;
- PostgreSQL, two app servers with 2 workers each, sharing the database and
  Redis, each driven by its own wrk with half the connections, at the same time.

Every vote is a first vote by a new voter (a valid session, CSRF token and
voter cookie, minted beforehand), at 16 and 64 connections, best of
BENCH_TRIALS runs. hello-world under the same server settings is the baseline
in the same run. After each deployment the counters are checked against the
votes table; the run exits 1 if they differ or any vote was refused.

BENCH_DATABASE_URL names the PostgreSQL server (a database is created and
dropped beside the one named); default postgresql+psycopg://postgres@127.0.0.1:5432/test.
"""

import itertools
import os
import secrets
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from poll import create_app
from poll.extensions import db
from poll.services.polls import DEBATE_POLL_SLUG

from .common import AppServer, LoadResult, prepare_database, run_wrk
from .http_load import VOTE_SCRIPT, mint_voters, votes_are_consistent
from .load_harness import POSTGRES_SERVER, REDIS_URL, fresh_postgres_database, redis_available

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
TRIALS = int(os.environ.get("BENCH_TRIALS", "2"))
CONNECTIONS = (16, 64)
# Each measured run votes with its own slice of voters, so every vote is a first vote;
# a slice holds more votes than a run on this machine sends.
VOTERS_PER_RUN = 20_000
VOTE_PATH = f"/polls/{DEBATE_POLL_SLUG}/vote"


@dataclass
class Deployment:
    name: str
    database_url: str
    servers: int
    workers: int


@dataclass
class Row:
    name: str
    connections: int
    result: LoadResult


def server_env(database_url: str, secret_key: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"scale-{secrets.token_hex(4)}",
        # Every benchmark request comes from 127.0.0.1: lift the per-address limits.
        "VOTE_LIMIT_PER_IP": "10000000 per minute",
        "NEW_VOTER_LIMIT_PER_IP": "10000000 per minute",
    }


def combined(results: list[LoadResult]) -> LoadResult:
    """Side-by-side runs as one: their votes/s summed, the worse p99 (a reader
    on either server waits that long)."""
    return LoadResult(
        requests_per_second=sum(r.requests_per_second for r in results),
        p99_ms=max(r.p99_ms for r in results),
        requests=sum(r.requests for r in results),
        bad_responses=sum(r.bad_responses for r in results),
        socket_errors=sum(r.socket_errors for r in results),
    )


def vote_run(urls: list[str], connections: int, script: Path, first_voter: int) -> LoadResult:
    """One vote run against every server at once, each with its share of the
    connections and of the run's slice of voters."""
    share = VOTERS_PER_RUN // len(urls)
    with ThreadPoolExecutor(max_workers=len(urls)) as pool:
        runs = [
            pool.submit(
                run_wrk,
                url,
                SECONDS,
                connections // len(urls),
                script,
                {"BENCH_VOTER_OFFSET": str(first_voter + i * share)},
            )
            for i, url in enumerate(urls)
        ]
        return combined([run.result() for run in runs])


def best_of_trials(run_once: Callable[[int], LoadResult]) -> dict[int, LoadResult]:
    """The best of TRIALS runs at each connection count, the counts alternating."""
    best: dict[int, LoadResult] = {}
    for _ in range(TRIALS):
        for connections in CONNECTIONS:
            result = run_once(connections)
            if connections not in best or result.requests_per_second > best[connections].requests_per_second:
                best[connections] = result
    return best


def measure(deployment: Deployment, secret_key: str, script: Path) -> tuple[list[Row], list[str]]:
    """The deployment's best vote runs, and what went wrong (refused votes, counters
    that differ from the votes table)."""
    env = server_env(deployment.database_url, secret_key)
    prepare_database(env)
    problems = []
    servers = [
        AppServer(env, deployment.workers, probe=f"/polls/{DEBATE_POLL_SLUG}")
        for _ in range(deployment.servers)
    ]
    try:
        urls = [server.start().base_url for server in servers]
        for url in urls:  # warm each worker's imports and connection pool
            run_wrk(url + f"/polls/{DEBATE_POLL_SLUG}", 2, 16)
        voter_slices = itertools.count()
        best = best_of_trials(
            lambda connections: vote_run(urls, connections, script, next(voter_slices) * VOTERS_PER_RUN)
        )
    finally:
        for server in servers:
            server.stop()
    app = create_app({"SQLALCHEMY_DATABASE_URI": deployment.database_url, "SECRET_KEY": secret_key})
    with app.app_context():
        total, consistent = votes_are_consistent(DEBATE_POLL_SLUG)
        db.engine.dispose()
    sent = sum(result.requests for result in best.values())
    refused = sum(result.bad_responses for result in best.values())
    print(f"{deployment.name}: {total:,} votes stored; counters equal the votes table: {consistent}")
    if not consistent:
        problems.append(f"{deployment.name}: the counters differ from the votes")
    if refused:  # a 4xx or 5xx; a client timeout is a figure of the run, shown in the table
        problems.append(f"{deployment.name}: {refused} of {sent:,} best-run votes refused")
    return [Row(deployment.name, connections, result) for connections, result in best.items()], problems


def hello_baseline(secret_key: str, folder: Path) -> dict[int, LoadResult]:
    env = server_env(f"sqlite:///{folder / 'hello.sqlite3'}", secret_key)
    server = AppServer(env, 4, app_spec="bench.hello:app")
    try:
        url = server.start().base_url
        run_wrk(url + "/", 2, 16)
        return best_of_trials(lambda connections: run_wrk(url + "/", SECONDS, connections))
    finally:
        server.stop()


def main() -> int:
    if not redis_available():
        print("Redis at 127.0.0.1:6379 is needed (the shared rate-limit store)")
        return 1
    secret_key = secrets.token_hex(32)
    folder = Path(tempfile.mkdtemp(prefix="debate-poll-scale-"))
    runs = TRIALS * len(CONNECTIONS)
    print(
        f"wrk: {SECONDS}s runs, {' and '.join(map(str, CONNECTIONS))} connections, best of {TRIALS}; "
        f"minting {runs * VOTERS_PER_RUN:,} voters"
    )
    # The voters' cookies are signed with the one key every deployment shares.
    minting_app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": secret_key})
    voters_file = folder / "voters.tsv"
    mint_voters(minting_app, runs * VOTERS_PER_RUN, voters_file)
    script = folder / "vote.lua"
    script.write_text(VOTE_SCRIPT)
    os.environ["BENCH_VOTERS_FILE"] = str(voters_file)
    os.environ["BENCH_VOTE_PATH"] = VOTE_PATH

    baseline = hello_baseline(secret_key, folder)
    rows = [Row("hello-world, 1 server x 4 workers", c, r) for c, r in baseline.items()]
    problems: list[str] = []
    sqlite = Deployment("SQLite, 1 server x 4 workers", f"sqlite:///{folder / 'scale.sqlite3'}", 1, 4)
    found, trouble = measure(sqlite, secret_key, script)
    rows += found
    problems += trouble
    for name, servers, workers in (
        ("PostgreSQL, 1 server x 4 workers", 1, 4),
        ("PostgreSQL, 2 servers x 2 workers", 2, 2),
    ):
        with fresh_postgres_database(POSTGRES_SERVER) as url:
            found, trouble = measure(Deployment(name, url, servers, workers), secret_key, script)
        rows += found
        problems += trouble

    print(
        f"\n{'deployment':<36} {'conns':>5} {'votes/s':>9} {'p99':>10}  against hello-world  "
        "(socket errors: wrk gave up after 2 s)"
    )
    for row in rows:
        ratio = row.result.requests_per_second / baseline[row.connections].requests_per_second
        print(
            f"{row.name:<36} {row.connections:>5} {row.result.requests_per_second:>9,.0f} "
            f"{row.result.p99_ms:>7.1f} ms  {ratio:.2f}x  (socket errors {row.result.socket_errors})"
        )
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

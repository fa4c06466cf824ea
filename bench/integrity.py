"""Integrity under load, on SQLite and PostgreSQL (see bench/load_harness.py).

    python -m bench.integrity

Runs, each on a fresh database: 10,000 vote attempts from 1,000 voters plus a
ballot stuffer against gunicorn (4 workers); the same with kill -9 mid-load
and a restart; and on PostgreSQL, two app processes (2 workers each) sharing
the database and Redis. Prints what was sent, the answers, and whether the
tallies equal the ground truth; exits 1 if any check failed.

BENCH_POSTGRES_SERVER names the PostgreSQL server (a database is created and
dropped beside the one named); default postgresql+psycopg://postgres@127.0.0.1:5432/test.
"""

import sys
import tempfile
from pathlib import Path

from .load_harness import (
    POSTGRES_SERVER,
    LoadPlan,
    crash_run,
    fresh_postgres_database,
    integrity_run,
    redis_available,
)

PLAN = LoadPlan(voters=1_000, attempts_per_voter=10, stuffer_attempts=200)
KILL_AFTER = 3_000


def sqlite_outcomes(folder: Path) -> list:
    return [
        integrity_run(f"sqlite:///{folder / 'load.sqlite3'}", PLAN),
        crash_run(f"sqlite:///{folder / 'crash.sqlite3'}", PLAN, kill_after=KILL_AFTER),
    ]


def postgres_outcomes() -> list:
    outcomes = []
    with fresh_postgres_database(POSTGRES_SERVER) as url:
        outcomes.append(integrity_run(url, PLAN))
    with fresh_postgres_database(POSTGRES_SERVER) as url:
        outcomes.append(crash_run(url, PLAN, kill_after=KILL_AFTER))
    with fresh_postgres_database(POSTGRES_SERVER) as url:
        outcome = integrity_run(url, PLAN, processes=2, workers=2)
        outcome.name = "postgresql + redis, 2 processes x 2"
        outcomes.append(outcome)
    return outcomes


def main() -> int:
    if not redis_available():
        print("Redis at 127.0.0.1:6379 is needed (the shared rate-limit store)")
        return 1
    print(f"plan: {PLAN.voters} voters x {PLAN.attempts_per_voter} attempts, stuffer {PLAN.stuffer_attempts}")
    with tempfile.TemporaryDirectory() as folder:
        outcomes = sqlite_outcomes(Path(folder))
    outcomes += postgres_outcomes()
    for outcome in outcomes:
        print(outcome.summary())
    return 1 if any(outcome.problems for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())

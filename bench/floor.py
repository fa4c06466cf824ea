"""How fast can a vote or a results read be on this stack at all?

The app's vote and results.json against a bare Flask app doing only what each
cannot skip (``bench/floor_app.py``), all as ratios to hello-world in the same
run, the floor's results read with and without Flask-Talisman's headers.

    python -m bench.floor

Not a target of its own: it tells how much of the distance to issue #2's
targets (vote 0.40x, results 0.70x) is the application and how much the stack.
"""

import os
import secrets
import sqlite3
import tempfile
from pathlib import Path

from poll import create_app
from poll.extensions import db
from poll.polls.debate_poll import DEBATE_POLL_SLUG

from .common import (
    LIFTED_VOTE_LIMITS,
    PLAIN_GUNICORN,
    LoadResult,
    gunicorn,
    prepare_database,
    report_row,
    run_wrk,
)
from .floor_app import SCHEMA
from .floor_app import app as floor_app
from .http_load import (
    CONNECTIONS,
    RESULTS_SCRIPT,
    SECONDS,
    TRIALS,
    VOTE_SCRIPT,
    best_vote_run,
    create_poll_with_votes,
    mint_voters,
)

VOTERS = 40_000


def best_run(url: str, script: Path | None = None) -> LoadResult:
    return max(
        (run_wrk(url, SECONDS, CONNECTIONS, script) for _ in range(TRIALS)),
        key=lambda run: run.requests_per_second,
    )


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="debate-poll-floor-"))
    floor_database = workdir / "floor.sqlite3"
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'app.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(32),
        **LIFTED_VOTE_LIMITS,
        "FLOOR_DATABASE": str(floor_database),
    }
    os.environ.update(env)
    floor_app.secret_key = env["SECRET_KEY"]
    prepare_database(env)
    with sqlite3.connect(floor_database) as database:
        database.execute("PRAGMA journal_mode=WAL")
        database.executescript(SCHEMA)
    app = create_app()
    with app.app_context():
        results_cookie = create_poll_with_votes("bench-floor", 1_000)
        db.engine.dispose()
    app_voters, floor_voters = workdir / "app_voters.tsv", workdir / "floor_voters.tsv"
    mint_voters(app, VOTERS, app_voters)
    # The floor app reads its voter cookie as it comes: a random id, unsigned.
    mint_voters(floor_app, VOTERS, floor_voters, voter_cookie=lambda: secrets.token_hex(16))
    vote_script, results_script = workdir / "vote.lua", workdir / "results.lua"
    vote_script.write_text(VOTE_SCRIPT)
    results_script.write_text(RESULTS_SCRIPT)

    with (
        gunicorn("bench.hello:app", env, config=PLAIN_GUNICORN) as hello,
        gunicorn("bench.floor_app:app", env, config=PLAIN_GUNICORN) as floor,
        gunicorn(
            "bench.floor_app:app", {**env, "FLOOR_SECURITY_HEADERS": "1"}, config=PLAIN_GUNICORN
        ) as floor_with_headers,
        gunicorn("wsgi:app", env, config=PLAIN_GUNICORN) as poll_app,
    ):
        run_wrk(hello + "/", 2, CONNECTIONS)
        baseline = best_run(hello + "/")
        votes = [
            ("POST vote, floor", floor, "/vote", floor_voters),
            ("POST vote, Debate Poll", poll_app, f"/polls/{DEBATE_POLL_SLUG}/vote", app_voters),
        ]
        reads = [
            ("GET results, floor", floor, "/results.json"),
            ("GET results, floor + Talisman", floor_with_headers, "/results.json"),
            ("GET results.json, Debate Poll", poll_app, "/polls/bench-floor/results.json"),
        ]
        measured = []
        for name, base_url, path, voters in votes:
            os.environ.update({"BENCH_VOTE_PATH": path, "BENCH_VOTERS_FILE": str(voters)})
            measured.append((name, best_vote_run(base_url, vote_script, VOTERS), 0.40))
        os.environ["BENCH_VOTER_COOKIE"] = results_cookie
        for name, base_url, path in reads:
            os.environ["BENCH_RESULTS_PATH"] = path
            measured.append((name, best_run(base_url, results_script), 0.70))
    print(report_row("hello-world (baseline)", baseline, baseline))
    for name, result, target in measured:
        print(report_row(name, result, baseline, target))


if __name__ == "__main__":
    main()

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

from flask import session
from flask_wtf.csrf import generate_csrf

from poll import create_app
from poll.extensions import db
from poll.services.polls import DEBATE_POLL_SLUG

from .common import LoadResult, gunicorn, prepare_database, report_row, run_wrk
from .floor_app import SCHEMA
from .floor_app import app as floor_app
from .http_load import (
    CONNECTIONS,
    RESULTS_SCRIPT,
    SECONDS,
    TRIALS,
    VOTE_SCRIPT,
    create_poll_with_votes,
    mint_voters,
)

VOTERS = 40_000


def mint_floor_voters(count: int, path: Path) -> None:
    """Session cookies holding a CSRF token for the floor app, and a random voter id each."""
    serializer = floor_app.session_interface.get_signing_serializer(floor_app)
    with path.open("w") as out:
        for _ in range(count):
            with floor_app.test_request_context():
                token = generate_csrf()
                cookie = serializer.dumps(dict(session))
            out.write(f"{cookie}\t{secrets.token_hex(16)}\t{token}\n")


def best_run(url: str, script: Path | None = None, **script_env: str) -> LoadResult:
    """The best of TRIALS runs; vote runs each start on their own slice of voters."""
    os.environ.update(script_env)
    runs = []
    for trial in range(TRIALS):
        os.environ["BENCH_VOTER_OFFSET"] = str(trial * (VOTERS // TRIALS))
        runs.append(run_wrk(url, SECONDS, CONNECTIONS, script))
    return max(runs, key=lambda run: run.requests_per_second)


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="debate-poll-floor-"))
    floor_database = workdir / "floor.sqlite3"
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'app.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(32),
        "VOTE_LIMIT_PER_IP": "10000000 per minute",
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
    mint_floor_voters(VOTERS, floor_voters)
    vote_script, results_script = workdir / "vote.lua", workdir / "results.lua"
    vote_script.write_text(VOTE_SCRIPT)
    results_script.write_text(RESULTS_SCRIPT)
    results_env = {"BENCH_VOTER_COOKIE": results_cookie}

    with (
        gunicorn("bench.hello:app", env) as hello,
        gunicorn("bench.floor_app:app", env) as floor,
        gunicorn("bench.floor_app:app", {**env, "FLOOR_SECURITY_HEADERS": "1"}) as floor_with_headers,
        gunicorn("wsgi:app", env) as poll_app,
    ):
        run_wrk(hello + "/", 2, CONNECTIONS)
        baseline = best_run(hello + "/")
        rows = [
            ("POST vote, floor", 0.40, floor, vote_script, {"BENCH_VOTE_PATH": "/vote"}, floor_voters),
            (
                "POST vote, Debate Poll",
                0.40,
                poll_app,
                vote_script,
                {"BENCH_VOTE_PATH": f"/polls/{DEBATE_POLL_SLUG}/vote"},
                app_voters,
            ),
            (
                "GET results, floor",
                0.70,
                floor,
                results_script,
                {"BENCH_RESULTS_PATH": "/results.json"},
                None,
            ),
            (
                "GET results, floor + Talisman",
                0.70,
                floor_with_headers,
                results_script,
                {"BENCH_RESULTS_PATH": "/results.json"},
                None,
            ),
            (
                "GET results.json, Debate Poll",
                0.70,
                poll_app,
                results_script,
                {"BENCH_RESULTS_PATH": "/polls/bench-floor/results.json"},
                None,
            ),
        ]
        measured = []
        for name, target, base_url, script, script_env, voters in rows:
            if voters is not None:
                script_env = {**script_env, "BENCH_VOTERS_FILE": str(voters)}
            measured.append((name, best_run(base_url, script, **script_env, **results_env), target))
    print(report_row("hello-world (baseline)", baseline, baseline))
    for name, result, target in measured:
        print(report_row(name, result, baseline, target))


if __name__ == "__main__":
    main()

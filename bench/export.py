"""Export benchmark: `flask export votes` over 1,000,000 stored votes against the
sqlite3 command-line tool exporting the same table as CSV, in the same run.

    python -m bench.export        # needs the sqlite3 CLI (apt-get install sqlite3)
"""

import os
import secrets
import shutil
import tempfile
from pathlib import Path

from poll import create_app
from poll.extensions import db

from .common import BIN, prepare_database, run_measured
from .http_load import create_poll_with_votes

VOTES = int(os.environ.get("BENCH_EXPORT_VOTES", "1000000"))
TRIALS = int(os.environ.get("BENCH_TRIALS", "3"))
SQLITE_QUERY = (
    "SELECT vote.id, poll.slug, choice.key, choice.label, vote.voter_id, vote.created_at, vote.updated_at, "
    "vote.status "
    "FROM vote JOIN poll ON poll.id = vote.poll_id JOIN choice ON choice.id = vote.choice_id "
    "WHERE poll.slug = 'bench-export' ORDER BY vote.created_at, vote.id"
)


def main() -> None:
    if shutil.which("sqlite3") is None:
        raise SystemExit("the sqlite3 command-line tool is needed: apt-get install sqlite3")
    workdir = Path(tempfile.mkdtemp(prefix="debate-poll-export-"))
    database = workdir / "export.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": secrets.token_hex(16)}
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "SECRET_KEY")})
    prepare_database(env)
    app = create_app()
    with app.app_context():
        create_poll_with_votes("bench-export", VOTES)
        db.engine.dispose()

    sqlite_command = ["sqlite3", "-csv", "-header", str(database), SQLITE_QUERY]
    ours_command = [str(BIN / "flask"), "--app", "wsgi", "export", "votes", "--poll", "bench-export"]
    # Alternate the two and keep each one's best, so a cold page cache or a busy
    # moment does not favour whichever runs second.
    sqlite_runs, ours_runs = [], []
    for _ in range(TRIALS):
        sqlite_runs.append(run_measured(sqlite_command, workdir / "sqlite.csv", env))
        ours_runs.append(run_measured(ours_command, workdir / "ours.csv", env))
    sqlite_seconds, sqlite_rss = min(sqlite_runs)
    ours_seconds, ours_rss = min(ours_runs)
    rows = sum(1 for _ in (workdir / "ours.csv").open(encoding="utf-8")) - 1
    sqlite_rate, ours_rate = VOTES / sqlite_seconds, rows / ours_seconds
    print(f"votes exported: {rows:,} (expected {VOTES:,}); best of {TRIALS} alternating runs each")
    row = "{:<20} {:6.2f} s  {:>10,.0f} rows/s  peak RSS {:6.1f} MiB"
    print(row.format("sqlite3 -csv:", sqlite_seconds, sqlite_rate, sqlite_rss))
    speed = "ok" if ours_rate / sqlite_rate >= 0.5 else "BELOW target 0.50x"
    memory = "ok" if ours_rss < 150 else "OVER 150 MiB"
    print(row.format("flask export votes:", ours_seconds, ours_rate, ours_rss), end="")
    print(f"  {ours_rate / sqlite_rate:.2f}x sqlite3 ({speed}); memory {memory}")


if __name__ == "__main__":
    main()

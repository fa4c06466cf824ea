"""Vote counters on PostgreSQL: one row per choice (A, what the app does) or N slots per choice (B).

Why: cast_vote moves a per-choice counter row in the voting transaction, so every
voter for one choice queues on that row's lock until the previous voter commits.
Spreading each choice's count over N slot rows (a random slot per vote, results
read as SUM) should let voters for one choice commit in parallel; this measures
whether it does here, what it costs the results read, and that no vote is lost.

The transactions are pgbench scripts in bench/pg_counters/ copied statement for
statement from cast_vote (see vote_a.sql), run on a scratch database that this
script drops and creates (never `test`, never the app's). Each run starts from
the same seeded state (SEED_VOTES votes of one hot poll); voter ids are drawn
from a range ten times larger, so most votes are new and some are changes.

    .venv/bin/python -m bench.pg_counters [--seconds 10] [--clients 1,4,16,64] [--slots 32] [--repeats 3]
"""

import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

SCRIPTS = Path(__file__).resolve().parent / "pg_counters"
DATABASE = "bench_counters"
SERVER = os.environ.get("BENCH_PG", "host=127.0.0.1 port=5432 user=postgres")
SEED_VOTES = 100_000
VOTER_RANGE = 1_000_000  # 10x the seed: ~90% of votes are new voters, the rest changes or repeats
SETTINGS = ("server_version", "synchronous_commit", "fsync", "shared_buffers", "max_connections")
SEED = 20261202  # pgbench --random-seed, so each design sees the same voter/choice sequence

# The app's tables (migrations), reduced to what the vote path touches: the same
# keys, unique (poll_id, voter_id), indexes, foreign keys and checks.
SCHEMA = """
CREATE TABLE poll (id serial PRIMARY KEY, slug varchar(80) NOT NULL UNIQUE,
  question varchar(500) NOT NULL, opens_at timestamptz NOT NULL, closes_at timestamptz,
  results_visibility varchar(20) NOT NULL);
CREATE TABLE choice (id serial PRIMARY KEY, poll_id int NOT NULL REFERENCES poll ON DELETE CASCADE,
  key varchar(40) NOT NULL, label varchar(200) NOT NULL, position int NOT NULL,
  vote_count int NOT NULL CONSTRAINT vote_count_not_negative CHECK (vote_count >= 0),
  UNIQUE (poll_id, key));
CREATE TABLE vote (id serial PRIMARY KEY, poll_id int NOT NULL REFERENCES poll ON DELETE CASCADE,
  choice_id int NOT NULL REFERENCES choice, voter_id varchar(64) NOT NULL, ip_hash varchar(64),
  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
  status varchar(10) NOT NULL DEFAULT 'counted' CHECK (status IN ('counted', 'void')),
  void_id int, UNIQUE (poll_id, voter_id));
CREATE INDEX ix_vote_poll_id_created_at ON vote (poll_id, created_at);
CREATE INDEX ix_vote_void_id ON vote (void_id);
-- Design B. No per-slot CHECK (>= 0): a change takes one from a random slot of the
-- old choice, which may be at zero; only the SUM is a count.
CREATE TABLE choice_vote_slot (choice_id int NOT NULL REFERENCES choice ON DELETE CASCADE,
  slot int NOT NULL, vote_count int NOT NULL, PRIMARY KEY (choice_id, slot));
"""

SEED_SQL = """
INSERT INTO poll VALUES (1, 'debate', 'Should it?', now() - interval '1 day', NULL, 'always');
INSERT INTO choice SELECT i, 1, 'c' || i, 'Choice ' || i, i, 0 FROM generate_series(1, {choices}) i;
INSERT INTO vote (poll_id, choice_id, voter_id, ip_hash, created_at, updated_at)
  SELECT 1, 1 + i % {choices}, md5(i::text), md5((i % 997)::text), now() - interval '1 hour',
         now() - interval '1 hour' FROM generate_series(1, {votes}) i;
SELECT setval('vote_id_seq', {votes});
UPDATE choice c SET vote_count = (SELECT count(*) FROM vote v WHERE v.choice_id = c.id);
INSERT INTO choice_vote_slot
  SELECT c.id, s, (SELECT count(*) FROM vote v WHERE v.choice_id = c.id AND v.id % {slots} = s)
  FROM choice c CROSS JOIN generate_series(0, {slots} - 1) s;
"""

# Design A's counter and design B's, each beside the count of counted votes.
CHECKS = {
    "A": "SELECT c.id, c.vote_count FROM choice c ORDER BY c.id",
    "B": "SELECT choice_id, sum(vote_count) FROM choice_vote_slot GROUP BY choice_id ORDER BY 1",
}
VOTES_PER_CHOICE = "SELECT choice_id, count(*) FROM vote WHERE status = 'counted' GROUP BY 1 ORDER BY 1"


def connect(dbname: str) -> psycopg.Connection:
    return psycopg.connect(f"{SERVER} dbname={dbname}", autocommit=True)


def reset_database(choices: int, slots: int) -> None:
    """Drop and recreate the scratch database, seeded; checkpointed so that one run's
    dirty pages are not written during the next."""
    with connect("postgres") as server:
        server.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        server.execute(f"CREATE DATABASE {DATABASE}")
    with connect(DATABASE) as db:
        db.execute(SCHEMA)
        # Whole numbers formatted in: psycopg binds no parameters into a multi-statement string.
        db.execute(SEED_SQL.format(choices=int(choices), votes=SEED_VOTES, slots=int(slots)))
        db.execute("VACUUM ANALYZE")
        db.execute("CHECKPOINT")


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def now() -> str:
    return time.strftime("%H:%M:%SZ", time.gmtime())


def pgbench(script: str, clients: int, seconds: int, variables: dict) -> dict:
    """Run one pgbench script; tps from its summary, latencies (avg, p99) from
    its per-transaction log, so that p99 is over every transaction, not samples."""
    with tempfile.TemporaryDirectory(prefix="pg_counters_") as logs:
        command = ["pgbench", "-n", "-M", "prepared", f"--random-seed={SEED}", f"-T{seconds}"]
        command += [f"-c{clients}", f"-j{min(2, clients)}", "--log", f"--log-prefix={logs}/tx"]
        command += [f"-D{name}={value}" for name, value in variables.items()]
        command += ["-f", str(SCRIPTS / script), "-h", "127.0.0.1", "-U", "postgres", DATABASE]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"pgbench failed:\n{done.stdout}\n{done.stderr}")
        latencies = sorted(int(line.split()[2]) / 1000 for log in Path(logs).iterdir() for line in log.open())
    failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    return {
        "tps": float(re.search(r"tps = ([\d.]+) \(without initial", done.stdout).group(1)),
        "avg": statistics.fmean(latencies),
        "p99": latencies[int(len(latencies) * 0.99)],
        "transactions": len(latencies),
        "failed": int(failed.group(1)) if failed else 0,
    }


def check_counters(design: str) -> str:
    """Counters against the votes table, choice by choice: 'exact' or the differences."""
    with connect(DATABASE) as db:
        counters = dict(db.execute(CHECKS[design]).fetchall())
        votes = dict(db.execute(VOTES_PER_CHOICE).fetchall())
        total = sum(votes.values())
        changed = db.execute("SELECT count(*) FROM vote WHERE updated_at <> created_at").fetchone()[0]
    wrong = {c: (counters.get(c), votes.get(c, 0)) for c in counters if counters[c] != votes.get(c, 0)}
    state = "exact" if not wrong else f"MISMATCH {wrong}"
    return f"{state} ({total - SEED_VOTES} new voters, {changed} votes changed, per choice {votes})"


def write_run(design: str, slots: int, count: int, args) -> dict:
    """One write run from the seeded state, with the load average around it and the counter check."""
    reset_database(args.choices, slots)
    before = loadavg()
    variables = {"voter_range": VOTER_RANGE, "choices": args.choices, "slots": slots}
    run = pgbench("vote_a.sql" if design == "A" else "vote_b.sql", count, args.seconds, variables)
    print(f"{now()} {design:>4} c={count:<3} tps {run['tps']:8.1f} load {before} -> {loadavg()}")
    print(f"        counters: {check_counters(design[0])}; failed tx {run['failed']}")
    return run


def read_runs(slots: int, repeats: int) -> dict:
    """The results read of each design, alternated on one seeded database (both designs'
    counters hold the same counts there), one client, so that drift in the machine's
    load falls on both alike."""
    reset_database(3, slots)
    reads = {"A": [], "B": []}
    for _ in range(repeats):
        for design in reads:
            reads[design].append(pgbench(f"read_{design.lower()}.sql", 1, 3, {"voter_range": VOTER_RANGE}))
    return reads


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", default="1,4,16,64")
    parser.add_argument("--slots", default="32", help="design B slot counts to try, e.g. 4,32")
    parser.add_argument("--choices", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3, help="rounds; the table shows medians")
    args = parser.parse_args()
    clients = [int(n) for n in args.clients.split(",")]
    designs = [("A", 1)] + [(f"B{n}", int(n)) for n in args.slots.split(",")]
    version = subprocess.run(["pgbench", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{now()} {version}; {os.cpu_count()} cores; load {loadavg()}; {args.choices} choices,")
    print(f"  {SEED_VOTES} seeded votes, voters from 1..{VOTER_RANGE}, -T{args.seconds}, -M prepared")
    with connect("postgres") as server:  # commit cost decides how long a counter row stays locked
        settings = [f"{name}={server.execute(f'SHOW {name}').fetchone()[0]}" for name in SETTINGS]
    print(f"  server: {', '.join(settings)}")

    # Designs interleaved within each client count, rounds repeated: the machine is
    # shared, and a neighbour's load drifting over minutes must not favour one design.
    results = {(design, count): [] for design, _ in designs for count in clients}
    for round_number in range(1, args.repeats + 1):
        print(f"{now()} round {round_number} of {args.repeats}")
        for count in clients:
            for design, slots in designs:
                results[design, count].append(write_run(design, slots, count, args))
    reads = read_runs(designs[-1][1], args.repeats)

    print(f"\nmedians of {args.repeats} rounds (tps min..max in brackets)")
    print(
        f"{'design':<7}{'clients':>8}{'tps':>9}{'[min..max]':>16}"
        f"{'avg ms':>9}{'p99 ms':>9}{'fail':>6}{'tps/A':>7}"
    )
    for design, _ in designs:
        for count in clients:
            runs, tps = results[design, count], [run["tps"] for run in results[design, count]]
            ratio = median(runs, "tps") / median(results["A", count], "tps")
            print(
                f"{design:<7}{count:>8}{median(runs, 'tps'):>9.1f}{f'[{min(tps):.0f}..{max(tps):.0f}]':>16}"
                f"{median(runs, 'avg'):>9.2f}{median(runs, 'p99'):>9.2f}"
                f"{sum(run['failed'] for run in runs):>6}{ratio:>7.2f}"
            )
    for design, runs in reads.items():
        label = "A (choice.vote_count)" if design == "A" else f"B (SUM of {designs[-1][1]} slots)"
        print(
            f"results read {label:<24} 1 client:"
            f" avg {median(runs, 'avg'):.3f} ms, p99 {median(runs, 'p99'):.3f} ms"
        )
    print(f"{now()} done; load {loadavg()}")


if __name__ == "__main__":
    main()

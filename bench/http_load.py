"""HTTP load benchmark: the app under gunicorn against a bare Flask hello-world.

Prints req/s and p99 for the poll page, voting (every request a new voter with
a valid cookie and CSRF token) and results, each as a ratio to hello-world in
the same run, then results throughput with 1,000 and 1,000,000 votes stored.

    python -m bench.http_load          # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python -m bench.http_load
"""

import os
from collections.abc import Callable
from pathlib import Path

from flask import session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, func, text, update

from poll import create_app
from poll.database.column_types import UTCDateTime, utcnow
from poll.database.models import RESULTS_ALWAYS, VOTE_COUNTED, Choice, ChoiceVoteSlot, Vote
from poll.extensions import db
from poll.polls.debate_poll import DEBATE_POLL_SLUG
from poll.polls.editing import create_poll
from poll.polls.finding import poll_by_slug
from poll.voters.cookie import new_voter_token, sign_voter_token
from poll.voters.pseudonyms import voter_id_for

from .common import LIFTED_VOTE_LIMITS, PLAIN_GUNICORN, LoadResult, bench_setup, gunicorn, report_row, run_wrk

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
TRIALS = int(os.environ.get("BENCH_TRIALS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
VOTERS = int(os.environ.get("BENCH_VOTERS", "60000"))
STORED_VOTES = (1_000, 1_000_000)

VOTE_SCRIPT = """
local voters = {}
local thread_count = 0
local choices = {"military", "diplomacy", "undecided"}

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  for line in io.lines(os.getenv("BENCH_VOTERS_FILE")) do voters[#voters + 1] = line end
  -- Each trial votes within its own slice of voters (BENCH_VOTER_OFFSET up to
  -- BENCH_VOTER_LAST, by default the end of the file), so every vote is a first vote.
  first = id + 1 + tonumber(os.getenv("BENCH_VOTER_OFFSET") or "0")
  last = tonumber(os.getenv("BENCH_VOTER_LAST") or tostring(#voters))
  position = first
end

function request()
  local line = voters[position]
  position = position + 2
  if position > last then position = first end
  local session, voter, token = line:match("([^\\t]+)\\t([^\\t]+)\\t([^\\t]+)")
  local body = "csrf_token=" .. token .. "&choice=" .. choices[(position % 3) + 1]
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "session=" .. session .. "; voter=" .. voter,
  }
  return wrk.format("POST", os.getenv("BENCH_VOTE_PATH"), headers, body)
end
"""

RESULTS_SCRIPT = """
function request()
  local headers = {["Cookie"] = "voter=" .. os.getenv("BENCH_VOTER_COOKIE")}
  return wrk.format("GET", os.getenv("BENCH_RESULTS_PATH"), headers)
end
"""

BULK_VOTES_SQL = {
    "sqlite": """
        INSERT INTO vote (poll_id, choice_id, voter_id, created_at, updated_at)
        WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :count)
        SELECT :poll_id, CASE n % 3 WHEN 0 THEN :c0 WHEN 1 THEN :c1 ELSE :c2 END,
               printf('%032d', n), :now, :now
        FROM seq
    """,
    "postgresql": """
        INSERT INTO vote (poll_id, choice_id, voter_id, created_at, updated_at)
        SELECT :poll_id, CASE n % 3 WHEN 0 THEN :c0 WHEN 1 THEN :c1 ELSE :c2 END,
               lpad(n::text, 32, '0'), :now, :now
        FROM generate_series(1, :count) AS n
    """,
}


def create_poll_with_votes(slug: str, count: int) -> str:
    """A poll with ``count`` stored votes; returns a signed cookie of one of its voters."""
    poll = create_poll(
        slug=slug,
        title=slug,
        question="Benchmark poll?",
        choices=[("a", "A"), ("b", "B"), ("c", "C")],
        results_visibility=RESULTS_ALWAYS,
    )
    c0, c1, c2 = (choice.id for choice in poll.choices)
    dialect = db.session.get_bind().dialect.name
    statement = text(BULK_VOTES_SQL[dialect]).bindparams(bindparam("now", type_=UTCDateTime))
    db.session.execute(
        statement, {"count": count, "poll_id": poll.id, "c0": c0, "c1": c1, "c2": c2, "now": utcnow()}
    )
    for choice in poll.choices:  # the whole count in one of the choice's slots
        db.session.add(
            ChoiceVoteSlot(
                choice_id=choice.id,
                slot=0,
                vote_count=db.session.scalar(
                    db.select(func.count()).select_from(Vote).where(Vote.choice_id == choice.id)
                ),
            )
        )
    # Results are read as the browser behind the first vote: store its id as a real browser's would be.
    token = f"{1:032d}"
    db.session.execute(
        update(Vote)
        .where(Vote.poll_id == poll.id, Vote.voter_id == token)
        .values(voter_id=voter_id_for(token))
    )
    db.session.commit()
    return sign_voter_token(token)


def new_signed_voter_cookie() -> str:
    return sign_voter_token(new_voter_token())


def mint_voters(
    app, count: int, path: Path, voter_cookie: Callable[[], str] = new_signed_voter_cookie
) -> None:
    """New voters, each with a session cookie holding a CSRF token and a voter
    cookie (by default the app's signed one, made inside ``app``'s context).

    Each voter gets its own request (and so app) context: Flask-WTF caches the
    token on ``g``, which would otherwise hand every voter the first one's token.
    """
    serializer = app.session_interface.get_signing_serializer(app)
    with path.open("w") as out:
        for _ in range(count):
            with app.test_request_context():
                token = generate_csrf()
                session_cookie = serializer.dumps(dict(session))
                voter = voter_cookie()
            out.write(f"{session_cookie}\t{voter}\t{token}\n")


def best_vote_run(base_url: str, script: Path, voters: int) -> LoadResult:
    """The best of TRIALS vote runs; each starts on its own slice of the
    ``voters`` minted, so that every vote is a first vote."""
    runs = []
    share = voters // TRIALS
    for trial in range(TRIALS):
        voter_slice = {"BENCH_VOTER_OFFSET": str(trial * share), "BENCH_VOTER_LAST": str((trial + 1) * share)}
        runs.append(run_wrk(base_url, SECONDS, CONNECTIONS, script, voter_slice))
    return max(runs, key=lambda run: run.requests_per_second)


def votes_are_consistent(slug: str) -> tuple[int, bool]:
    poll = poll_by_slug(slug)
    counted = dict(
        db.session.execute(
            db.select(Vote.choice_id, func.count())
            .where(Vote.poll_id == poll.id, Vote.status == VOTE_COUNTED)
            .group_by(Vote.choice_id)
        ).all()
    )
    stored = dict(
        db.session.execute(db.select(Choice.id, Choice.vote_count).where(Choice.poll_id == poll.id)).all()
    )
    return sum(counted.values()), all(stored[cid] == counted.get(cid, 0) for cid in stored)


def main() -> None:
    workdir, env = bench_setup("debate-poll-bench-", LIFTED_VOTE_LIMITS, SECONDS, CONNECTIONS, TRIALS)

    app = create_app()
    result_cookies = {}
    with app.app_context():
        for count in STORED_VOTES:
            result_cookies[count] = create_poll_with_votes(f"bench-{count}", count)
        db.engine.dispose()
    voters_file = workdir / "voters.tsv"
    mint_voters(app, VOTERS, voters_file)

    vote_script = workdir / "vote.lua"
    vote_script.write_text(VOTE_SCRIPT)
    os.environ["BENCH_VOTERS_FILE"] = str(voters_file)
    os.environ["BENCH_VOTE_PATH"] = f"/polls/{DEBATE_POLL_SLUG}/vote"

    def best(*loads) -> list[LoadResult]:
        """Each load run TRIALS times, in alternation; the best run of each counts."""
        runs = [[run_wrk(*load) for load in loads] for _ in range(TRIALS)]
        return [
            max((trial[i] for trial in runs), key=lambda r: r.requests_per_second) for i in range(len(loads))
        ]

    with (
        gunicorn("bench.hello:app", env, config=PLAIN_GUNICORN) as hello,
        gunicorn("wsgi:app", env, probe="/", config=PLAIN_GUNICORN) as poll_app,
    ):
        page_url = poll_app + f"/polls/{DEBATE_POLL_SLUG}"
        run_wrk(hello + "/", 2, CONNECTIONS)
        run_wrk(page_url, 2, CONNECTIONS)
        baseline, page = best((hello + "/", SECONDS, CONNECTIONS), (page_url, SECONDS, CONNECTIONS))
        rows = [("hello-world (baseline)", baseline, None), ("GET poll page", page, None)]
        votes = best_vote_run(poll_app, vote_script, VOTERS)
        rows.append(("POST vote (new voter each)", votes, 0.40))
        results = {}
        scripts = {}
        for count in STORED_VOTES:
            script = workdir / f"results-{count}.lua"
            script.write_text(
                RESULTS_SCRIPT.replace("BENCH_RESULTS_PATH", f"BENCH_RESULTS_PATH_{count}").replace(
                    "BENCH_VOTER_COOKIE", f"BENCH_VOTER_COOKIE_{count}"
                )
            )
            os.environ[f"BENCH_RESULTS_PATH_{count}"] = f"/polls/bench-{count}/results.json"
            os.environ[f"BENCH_VOTER_COOKIE_{count}"] = result_cookies[count]
            scripts[count] = script
        measured = best(*[(poll_app, SECONDS, CONNECTIONS, scripts[count]) for count in STORED_VOTES])
        for count, result in zip(STORED_VOTES, measured, strict=True):
            results[count] = result
            rows.append((f"GET results.json, {count:,} votes", result, 0.70))

    print()
    for name, result, target in rows:
        print(report_row(name, result, baseline, target))
    small, large = (results[count].requests_per_second for count in STORED_VOTES)
    spread = abs(small - large) / max(small, large)
    print(
        f"\nresults throughput, 1M votes vs 1k votes: {large / small:.2f}x "
        f"({spread:.1%} apart; target within 10%){'' if spread <= 0.10 else '  OUTSIDE target'}"
    )

    with app.app_context():
        total, consistent = votes_are_consistent(DEBATE_POLL_SLUG)
        db.engine.dispose()
    print(f"votes stored by the vote run: {total:,}; counters equal the votes table: {consistent}")


if __name__ == "__main__":
    main()

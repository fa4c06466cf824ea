"""The vote, the poll page and the results against Django's polls tutorial, in the same run (issue #27
item 2; the results since issue #28).

Django's tutorial (``bench/django_tutorial``: startproject's middleware, the tutorial's views, an
F() update per vote) under plain gunicorn, sync workers; Debate Poll under the project's own
gunicorn.conf.py (gevent workers), then, for comparison, under the serving models it replaced or
passed over: gthread with 8 threads (the last release) and plain sync workers. Two processes each,
wrk at BENCH_CONNECTIONS (16) connections, best of BENCH_TRIALS alternating runs. Every vote of ours
is a new browser's first vote (CSRF token, voter cookie), rate limits lifted and shared in Redis as
two workers need; Django's vote is the tutorial's, one CSRF token for every request. Results: Django's
results page against our results.json read by a reader who has voted (the poll shows results after a
vote; the poll page draws the same figures).

    python -m bench.versus_django          # SQLite files in a temporary folder
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python -m bench.versus_django

Targets (the issue's): the vote at least 2x Django's, p99 at most 100 ms at 16 connections.
"""

import os
import re
import secrets
import subprocess
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from poll import create_app
from poll.polls.debate_poll import DEBATE_POLL_SLUG

from .common import (
    BIN,
    LIFTED_VOTE_LIMITS,
    PLAIN_GUNICORN,
    ROOT,
    AppServer,
    LoadResult,
    bench_setup,
    fastest,
    run_wrk,
)
from .http_load import CONNECTIONS, RESULTS_SCRIPT, SECONDS, TRIALS, VOTE_SCRIPT, mint_voters
from .load_harness import REDIS_URL

VOTERS_PER_RUN = int(os.environ.get("BENCH_VOTERS_PER_RUN", "25000"))
VOTE_TARGET, P99_TARGET_MS = 2.0, 100.0
DJANGO_SETTINGS = "bench.django_tutorial.settings"
SERVING_MODELS = {
    "gevent (gunicorn.conf.py)": (None, ()),
    "gthread, 8 threads (last release)": (None, ("--worker-class", "gthread", "--threads", "8")),
    "sync (no slow-client defence)": (PLAIN_GUNICORN, ()),
}

DJANGO_VOTE_SCRIPT = """
function request()
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. os.getenv("DJANGO_CSRF_COOKIE"),
  }
  local body = "csrfmiddlewaretoken=" .. os.getenv("DJANGO_CSRF_TOKEN")
    .. "&choice=" .. os.getenv("DJANGO_CHOICE")
  return wrk.format("POST", os.getenv("DJANGO_VOTE_PATH"), headers, body)
end
"""


def django_database_url(workdir: Path) -> str:
    return os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'django.sqlite3'}"


def prepare_django(env: dict) -> tuple[int, int]:
    """Tables, and one question with three choices, as the tutorial's shell session makes them."""
    full_env = {**os.environ, **env}
    subprocess.run(
        [str(BIN / "python"), "-m", "django", "migrate", "--run-syncdb", "-v", "0"],
        cwd=ROOT,
        env=full_env,
        check=True,
    )
    code = (
        "import django; django.setup();"
        "from django.utils import timezone;"
        "from bench.django_tutorial.polls.models import Question;"
        "q = Question.objects.create(question_text='Military or diplomacy?', pub_date=timezone.now());"
        "[q.choice_set.create(choice_text=t, votes=0) for t in ('Military', 'Diplomacy', 'Undecided')];"
        "print(q.id, q.choice_set.first().id)"
    )
    found = subprocess.run(
        [str(BIN / "python"), "-c", code], cwd=ROOT, env=full_env, check=True, capture_output=True, text=True
    )
    question, choice = found.stdout.split()
    return int(question), int(choice)


def django_csrf(base_url: str, question: int) -> tuple[str, str]:
    """The csrftoken cookie and the form's token, as a browser gets them from the detail page."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base_url}/polls/{question}/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    return cookie, token


def cast_vote(base_url: str, voter: list[str]) -> None:
    """One vote by ``voter`` ([session cookie, voter cookie, CSRF token]), so that it may see the results."""
    url = f"{base_url}/polls/{DEBATE_POLL_SLUG}/vote"
    body = f"csrf_token={voter[2]}&choice=diplomacy".encode()
    cookie = {"Cookie": f"session={voter[0]}; voter={voter[1]}"}
    request = urllib.request.Request(url, data=body, headers=cookie)  # noqa: S310 (loopback only)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request)
    except urllib.error.HTTPError as answer:
        if answer.code != 302:  # the redirect to the results: the vote is stored
            raise


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def row(name: str, result: LoadResult, django: LoadResult, target: float | None = None) -> str:
    ratio = result.requests_per_second / django.requests_per_second
    verdict = ""
    if target is not None:
        verdict = "  ok" if ratio >= target and result.p99_ms <= P99_TARGET_MS else "  BELOW target"
    return (
        f"{name:<62} {result.requests_per_second:>7.0f} req/s  p99 {result.p99_ms:>6.1f} ms  "
        f"{ratio:>5.2f}x Django  (bad {result.bad_responses}, errors {result.socket_errors}, "
        f"timeouts {result.timeouts}){verdict}"
    )


def main() -> None:
    shared_limits = {
        **LIFTED_VOTE_LIMITS,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
    }
    workdir, env = bench_setup("debate-poll-vs-django-", shared_limits, SECONDS, CONNECTIONS, TRIALS)
    django_env = {
        "DJANGO_SETTINGS_MODULE": DJANGO_SETTINGS,
        "DJANGO_DATABASE_URL": django_database_url(workdir),
        "SECRET_KEY": secrets.token_hex(32),
    }
    question, choice = prepare_django(django_env)

    app = create_app()
    voters_file = workdir / "voters.tsv"
    runs_needed = len(SERVING_MODELS) * (TRIALS + 1)
    mint_voters(app, VOTERS_PER_RUN * runs_needed, voters_file)
    # The reader of results.json, a voter of its own who votes first (cast_vote).
    reader_file = workdir / "reader.tsv"
    mint_voters(app, 1, reader_file)
    reader = reader_file.read_text().rstrip("\n").split("\t")
    vote_script = workdir / "vote.lua"
    vote_script.write_text(VOTE_SCRIPT)
    django_script = workdir / "django-vote.lua"
    django_script.write_text(DJANGO_VOTE_SCRIPT)
    results_script = workdir / "results.lua"
    results_script.write_text(RESULTS_SCRIPT)
    results_reader = {
        "BENCH_RESULTS_PATH": f"/polls/{DEBATE_POLL_SLUG}/results.json",
        "BENCH_VOTER_COOKIE": reader[1],
    }
    os.environ["BENCH_VOTERS_FILE"] = str(voters_file)
    os.environ["BENCH_VOTE_PATH"] = f"/polls/{DEBATE_POLL_SLUG}/vote"

    django = AppServer(
        django_env, 2, "bench.django_tutorial.wsgi:application", f"/polls/{question}/", PLAIN_GUNICORN
    )
    django_url = django.start().base_url
    try:
        cookie, token = django_csrf(django_url, question)
        django_vars = {
            "DJANGO_CSRF_COOKIE": cookie,
            "DJANGO_CSRF_TOKEN": token,
            "DJANGO_CHOICE": str(choice),
            "DJANGO_VOTE_PATH": f"/polls/{question}/vote/",
        }
        run_wrk(django_url + f"/polls/{question}/", 2, CONNECTIONS)
        django_votes = fastest(
            run_wrk(django_url, SECONDS, CONNECTIONS, django_script, django_vars) for _ in range(TRIALS)
        )
        django_page = fastest(
            run_wrk(django_url + f"/polls/{question}/", SECONDS, CONNECTIONS) for _ in range(TRIALS)
        )
        django_results = fastest(
            run_wrk(django_url + f"/polls/{question}/results/", SECONDS, CONNECTIONS) for _ in range(TRIALS)
        )
    finally:
        django.stop()

    rows = [
        row("Django tutorial: POST vote (sync, 2 workers)", django_votes, django_votes),
        row("Django tutorial: GET detail page", django_page, django_page),
        row("Django tutorial: GET results page", django_results, django_results),
    ]
    next_voter = 0
    for name, (config, extra_args) in SERVING_MODELS.items():
        server = AppServer(env, 2, "wsgi:app", f"/polls/{DEBATE_POLL_SLUG}", config, extra_args)
        base_url = server.start().base_url
        try:
            votes = []
            for _ in range(TRIALS):
                voter_slice = {
                    "BENCH_VOTER_OFFSET": str(next_voter),
                    "BENCH_VOTER_LAST": str(next_voter + VOTERS_PER_RUN),
                }
                next_voter += VOTERS_PER_RUN
                votes.append(run_wrk(base_url, SECONDS, CONNECTIONS, vote_script, voter_slice))
            best_votes = fastest(votes)
            page = fastest(
                run_wrk(base_url + f"/polls/{DEBATE_POLL_SLUG}", SECONDS, CONNECTIONS) for _ in range(TRIALS)
            )
            cast_vote(base_url, reader)
            results = fastest(
                run_wrk(base_url, SECONDS, CONNECTIONS, results_script, results_reader) for _ in range(TRIALS)
            )
        finally:
            server.stop()
        target = VOTE_TARGET if config is None and not extra_args else None
        rows.append(row(f"POST vote, {name}", best_votes, django_votes, target))
        rows.append(row(f"GET poll page, {name}", page, django_page))
        rows.append(row(f"GET results.json (a voter's), {name}", results, django_results))

    print()
    for line in rows:
        print(line)
    print(
        f"\ntargets: vote >= {VOTE_TARGET:.0f}x Django's and p99 <= {P99_TARGET_MS:.0f} ms at {CONNECTIONS} "
        "connections (the vote under gunicorn.conf.py)"
    )


if __name__ == "__main__":
    main()

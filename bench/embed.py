"""The embed's requests against a bare Flask hello-world in the same run.

A poll in a busy article is loaded once per reader (the card) and then asked
for its tally every few seconds by every open page (live results), mostly
answered 304 Not Modified. Targets (issue #14): the card >= 0.25x hello-world,
304 answers >= 0.60x.

    python -m bench.embed              # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python -m bench.embed
"""

import os
import urllib.request
from pathlib import Path

from poll import create_app
from poll.extensions import db

from .common import PLAIN_GUNICORN, bench_setup, gunicorn, report_row, run_wrk
from .http_load import create_poll_with_votes

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
TRIALS = int(os.environ.get("BENCH_TRIALS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SLUG = "bench-embed"

# One request, repeated; headers from the environment (wrk's Lua has no arguments).
CONDITIONAL_SCRIPT = """
function request()
  local headers = {["If-None-Match"] = os.getenv("BENCH_ETAG")}
  if os.getenv("BENCH_COOKIE") ~= "" then headers["Cookie"] = os.getenv("BENCH_COOKIE") end
  return wrk.format("GET", os.getenv("BENCH_PATH"), headers)
end
"""


def etag_of(url: str, cookie: str = "") -> str:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback only)
        return response.headers["ETag"]


def conditional_script(workdir: Path, name: str, path: str, etag: str, cookie: str = "") -> Path:
    """A wrk script sending If-None-Match for ``path`` (each its own copy: wrk reads env at run time)."""
    script = workdir / f"{name}.lua"
    script.write_text(
        CONDITIONAL_SCRIPT.replace("BENCH_ETAG", f"BENCH_ETAG_{name}")
        .replace("BENCH_COOKIE", f"BENCH_COOKIE_{name}")
        .replace("BENCH_PATH", f"BENCH_PATH_{name}")
    )
    os.environ[f"BENCH_ETAG_{name}"] = etag
    os.environ[f"BENCH_COOKIE_{name}"] = cookie
    os.environ[f"BENCH_PATH_{name}"] = path
    return script


def main() -> None:
    workdir, env = bench_setup("debate-poll-bench-embed-", {}, SECONDS, CONNECTIONS, TRIALS)
    app = create_app()
    with app.app_context():
        voter_cookie = create_poll_with_votes(SLUG, 1_000)
        db.engine.dispose()

    with (
        gunicorn("bench.hello:app", env, config=PLAIN_GUNICORN) as hello,
        gunicorn("wsgi:app", env, probe="/", config=PLAIN_GUNICORN) as poll_app,
    ):
        tally = f"/polls/{SLUG}/tally.json"
        results = f"/polls/{SLUG}/results.json"
        loads = {
            "hello-world (baseline)": (hello + "/", None),
            "GET embed card": (poll_app + f"/polls/{SLUG}/embed", None),
            "GET tally.json": (poll_app + tally, None),
            "GET tally.json, 304": (
                poll_app,
                conditional_script(workdir, "tally", tally, etag_of(poll_app + tally)),
            ),
            "GET results.json (voter), 304": (
                poll_app,
                conditional_script(
                    workdir,
                    "results",
                    results,
                    etag_of(poll_app + results, f"voter={voter_cookie}"),
                    f"voter={voter_cookie}",
                ),
            ),
        }
        for url, script in loads.values():
            run_wrk(url, 2, CONNECTIONS, script)  # warm-up
        trials = [
            {name: run_wrk(url, SECONDS, CONNECTIONS, script) for name, (url, script) in loads.items()}
            for _ in range(TRIALS)
        ]
    best = {
        name: max((trial[name] for trial in trials), key=lambda r: r.requests_per_second) for name in loads
    }
    targets = {"GET embed card": 0.25, "GET tally.json, 304": 0.60, "GET results.json (voter), 304": 0.60}
    baseline = best["hello-world (baseline)"]
    print()
    for name, result in best.items():
        print(report_row(name, result, baseline, targets.get(name)))


if __name__ == "__main__":
    main()

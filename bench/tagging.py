"""Tagging benchmarks.

    python -m bench.tagging             # latency of tag(), throughput against raw VADER, memory
    python -m bench.tagging retag       # `flask retag` over 5,000 stored comments: time, peak memory
    python -m bench.tagging backlog     # the worker's task draining a backlog: one at a time against batches

Figures are printed as ratios against a baseline measured in the same run.
"""

import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import bindparam, text
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from poll import create_app
from poll.database.column_types import UTCDateTime, utcnow
from poll.extensions import db
from poll.tagging import encoder, mpnet, tag, tag_many
from poll.tagging.heads import shipped_head
from poll.tagging.training.datasets import MULTILINGUAL_TRAIN_FILE, STANCE_FILE, rows_of
from poll.tagging.training.evaluate import read_labelled

from .common import BIN, prepare_database, run_measured

COMMENTS = [text for text, _ in read_labelled(STANCE_FILE, "train")]
# Comments in the nine other languages, which e5 reads (and, as every comment, the incivility heads'
# character n-grams).
OTHER_LANGUAGE_COMMENTS = [row["text"] for row in rows_of(MULTILINGUAL_TRAIN_FILE, "train")][:300]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
RETAG_COMMENTS = int(os.environ.get("BENCH_RETAG_COMMENTS", "5000"))
# The tagging worker's budgets on a 2-core machine (a benchmark, not a test).
BUDGET_P95_MS, BUDGET_RATE, BUDGET_TAGGER_MIB = 250, 10, 1024


def forget_recent_vectors() -> None:
    """Empty both encoders' caches: measure encoding, not the cache."""
    encoder.RECENT.vectors.clear()
    mpnet.RECENT.vectors.clear()


def comments_per_second(function) -> float:
    started = time.perf_counter()
    for _ in range(ROUNDS):
        for comment in COMMENTS:
            function(comment)
    return ROUNDS * len(COMMENTS) / (time.perf_counter() - started)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def peak_rss_mib(code: str) -> float:
    """Peak RSS of a fresh interpreter running ``code``, started from a small
    launcher (a child's peak would otherwise count this benchmark's memory)."""
    output = Path(tempfile.mkdtemp(prefix="debate-poll-rss-")) / "out.txt"
    _, peak = run_measured([str(BIN / "python"), "-c", code], output, dict(os.environ))
    return peak


def post_latencies(posts: int = 200) -> dict[str, tuple[float, float]]:
    """p50/p95 of posting a comment through the page (test client, fresh SQLite
    each): stored and queued for the worker, against tagged in the request."""
    from poll.polls.debate_poll import seed_debate_poll

    figures = {}
    for mode in ("queue", "inline"):
        workdir = Path(tempfile.mkdtemp(prefix=f"debate-poll-post-{mode}-"))
        app = create_app(
            {
                "SECRET_KEY": secrets.token_hex(16),
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'poll.sqlite3'}",
                "TASK_QUEUE_URL": f"sqlite:///{workdir / 'tasks.sqlite3'}",
                "TAGGING": mode,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            slug = seed_debate_poll()[0].slug
            db.session.commit()
        client = app.test_client()
        forget_recent_vectors()
        timings = []
        for index in range(posts):
            body = COMMENTS[index % len(COMMENTS)] + f" ({index})"  # new text: no cached vectors
            began = time.perf_counter()
            client.post(f"/polls/{slug}/comments", data={"body": body, "display_name": ""})
            timings.append((time.perf_counter() - began) * 1000)
            # A browser follows the redirect and reads its messages; this client does not, so drop them
            # (200 unread messages would make a 10 kB session cookie and time that instead).
            with client.session_transaction() as session:
                session.pop("_flashes", None)
        figures[mode] = (percentile(timings, 0.5), percentile(timings, 0.95))
    return figures


def throughput(trials: int = 3) -> None:
    """Per-comment latency of tag(), batch throughput of tag_many(), against
    raw VADER in the same run; and the memory a web worker and a tagger hold."""
    # The baseline is vaderSentiment as shipped, not the project's analyzer.
    vader = SentimentIntensityAnalyzer()
    started = time.perf_counter()
    tag("warm up")
    load = time.perf_counter() - started
    sample = COMMENTS[:300]
    latencies = []
    for comment in sample:
        began = time.perf_counter()
        tag(comment)
        latencies.append((time.perf_counter() - began) * 1000)
    baseline = max(comments_per_second(vader.polarity_scores) for _ in range(trials))
    batch_rates = []
    for _ in range(trials):
        forget_recent_vectors()  # the latency loop above filled it: measure encoding, not the cache
        began = time.perf_counter()
        tag_many(sample)
        batch_rates.append(len(sample) / (time.perf_counter() - began))
    print(f"encoder and heads loaded in {load:.2f} s")
    print(
        f"tag(), one comment at a time: p50 {percentile(latencies, 0.5):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms"
    )
    print(f"raw VADER polarity_scores: {baseline:>9,.0f} comments/s")
    best = max(batch_rates)
    print(f"tag_many() in batches:     {best:>9,.0f} comments/s  {best / baseline:.4f}x VADER")
    other_latencies = []
    for comment in OTHER_LANGUAGE_COMMENTS:
        began = time.perf_counter()
        tag(comment)
        other_latencies.append((time.perf_counter() - began) * 1000)
    gram_latencies = []
    for filename, comments in (("incivility.json", OTHER_LANGUAGE_COMMENTS), ("incivility_en.json", sample)):
        grams = shipped_head(filename).char_grams
        for comment in comments:
            began = time.perf_counter()
            if grams is not None:
                grams.scores([comment])
            gram_latencies.append((time.perf_counter() - began) * 1000)
    print(
        f"tag(), other languages' comments: p50 {percentile(other_latencies, 0.5):.1f} ms, "
        f"p95 {percentile(other_latencies, 0.95):.1f} ms; a comment's character n-grams alone (either head) "
        f"p50 {percentile(gram_latencies, 0.5):.2f} ms, p95 {percentile(gram_latencies, 0.95):.2f} ms"
    )
    for mode, (p50, p95) in post_latencies().items():
        print(f"POST a comment, TAGGING={mode}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    web = peak_rss_mib("import wsgi")
    tagger = peak_rss_mib("import wsgi\nfrom poll.tagging import tag\ntag('warm up')")
    # A worker that has tagged both: mpnet for English, e5 for the rest, and both heads' n-gram weights.
    both = peak_rss_mib(
        "import wsgi\nfrom poll.tagging import tag\ntag('warm up')\ntag('북한 미사일 또 발사했네요')"
    )
    print(
        f"peak RSS: web worker (app loaded, no model) {web:.0f} MiB; tagging process {tagger:.0f} MiB "
        f"(English), {both:.0f} MiB (English and Korean)"
    )
    p95 = percentile(latencies, 0.95)
    one_at_a_time = 1000 / (sum(latencies) / len(latencies))
    for what, met in (
        (f"p95 {p95:.0f} ms per comment <= {BUDGET_P95_MS} ms", p95 <= BUDGET_P95_MS),
        (f"{one_at_a_time:.1f} comments/s one at a time >= {BUDGET_RATE}", one_at_a_time >= BUDGET_RATE),
        (f"tagging process {both:.0f} MiB <= {BUDGET_TAGGER_MIB} MiB", both <= BUDGET_TAGGER_MIB),
    ):
        print(f"budget: {what}: {'met' if met else 'MISSED'}")


def store_old_comments(count: int) -> None:
    """``count`` comments as an older tagger version left them, inserted in bulk."""
    app = create_app()
    rows = [{"voter": f"{index:032d}", "body": COMMENTS[index % len(COMMENTS)]} for index in range(count)]
    statement = text(
        "INSERT INTO comment (poll_id, voter_id, ip_hash, display_name, body, status, created_at, stance, "
        "stance_confidence, stance_cues, sentiment, compound, tagger_version) "
        "VALUES (1, :voter, '', '', :body, 'approved', :created_at, "
        "'neutral', 0.1, '[]', 'neutral', 0.0, 'old-1')"
    ).bindparams(bindparam("created_at", type_=UTCDateTime(), value=utcnow()))
    with app.app_context():
        db.session.execute(statement, rows)
        db.session.commit()
        db.engine.dispose()


def retag() -> None:
    """Time and peak memory of `flask retag` in its own process."""
    workdir = Path(tempfile.mkdtemp(prefix="debate-poll-retag-"))
    os.environ["DATABASE_URL"] = (
        os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'retag.sqlite3'}"
    )
    os.environ["SECRET_KEY"] = secrets.token_hex(16)
    prepare_database({})
    store_old_comments(RETAG_COMMENTS)
    output = workdir / "retag.txt"
    elapsed, peak_mib = run_measured([str(BIN / "flask"), "--app", "wsgi", "retag"], output, dict(os.environ))
    print(output.read_text().strip())
    print(
        f"retag of {RETAG_COMMENTS:,} comments: {elapsed:.1f} s ({RETAG_COMMENTS / elapsed:,.0f} comments/s)"
    )
    print(f"peak RSS of the retag process: {peak_mib:.0f} MiB")


def backlog(comments: int = 96) -> None:
    """The tagging worker's tasks over a backlog of ``comments`` posted while it was busy: each task tagging
    its own comment (the baseline, TAGGING_BACKLOG_BATCH=0) against tasks that take the waiting ones too,
    on the same comments in the same run, in this process (the queue on SQLite, as `make run` has it)."""
    from poll.database.models import Poll
    from poll.debate.comments import post_comment

    workdir = Path(tempfile.mkdtemp(prefix="debate-poll-backlog-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'backlog.sqlite3'}"
    os.environ["SECRET_KEY"] = secrets.token_hex(16)
    os.environ["TASK_QUEUE_URL"] = f"sqlite:///{workdir / 'tasks.sqlite3'}"
    prepare_database({})
    app = create_app()
    huey, _ = app.extensions["tagging_queue"]
    tag("warm up")
    rates = {}
    for label, batch in (
        ("one task, one comment", 0),
        ("one task, the waiting ones too", app.config["TAGGING_BACKLOG_BATCH"]),
    ):
        app.config["TAGGING_BACKLOG_BATCH"] = batch
        with app.app_context():
            poll = db.session.execute(db.select(Poll)).scalars().first()
            for index in range(comments):
                post_comment(poll, f"{index:032d}", COMMENTS[index], "", "", utcnow(), tag_now=False)
                db.session.commit()  # each comment its own task, as readers post them
        forget_recent_vectors()
        began = time.perf_counter()
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
        rates[label] = comments / (time.perf_counter() - began)
    baseline = rates["one task, one comment"]
    for label, rate in rates.items():
        print(f"backlog of {comments}, {label}: {rate:.1f} comments/s  {rate / baseline:.2f}x")


if __name__ == "__main__":
    modes = {"": throughput, "retag": retag, "backlog": backlog}
    mode = sys.argv[1] if sys.argv[1:] else ""
    if mode not in modes:
        raise SystemExit(f"usage: python -m bench.tagging [{' | '.join(name for name in modes if name)}]")
    modes[mode]()

"""Tagging benchmarks.

    python -m bench.tagging             # throughput: tag() against raw VADER polarity_scores
    python -m bench.tagging retag       # `flask retag` over 100,000 stored comments: time, peak memory

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
from poll.db_types import UTCDateTime, utcnow
from poll.extensions import db
from poll.tagging import tag
from poll.tagging.evaluate import read_labelled

from .common import BIN, ROOT, prepare_database, run_measured

COMMENTS = [text for text, _ in read_labelled(ROOT / "tests" / "data" / "stance_dev.csv")]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
RETAG_COMMENTS = int(os.environ.get("BENCH_RETAG_COMMENTS", "100000"))


def comments_per_second(function) -> float:
    started = time.perf_counter()
    for _ in range(ROUNDS):
        for comment in COMMENTS:
            function(comment)
    return ROUNDS * len(COMMENTS) / (time.perf_counter() - started)


def throughput(trials: int = 7) -> None:
    """Baseline and tagger measured in alternation, best of each, so that
    machine noise falls on both alike."""
    # The baseline is vaderSentiment as shipped, not the project's analyzer.
    vader = SentimentIntensityAnalyzer()
    tag("warm up")
    baseline = ours = 0.0
    for _ in range(trials):
        baseline = max(baseline, comments_per_second(vader.polarity_scores))
        ours = max(ours, comments_per_second(tag))
    print(f"comments per trial: {ROUNDS * len(COMMENTS):,}, best of {trials} alternating trials")
    print(f"raw VADER polarity_scores: {baseline:>9,.0f} comments/s")
    verdict = "ok" if ours / baseline >= 0.5 else "BELOW target 0.50x"
    print(f"tag() (stance + sentiment): {ours:>8,.0f} comments/s  {ours / baseline:.2f}x VADER  {verdict}")


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


if __name__ == "__main__":
    retag() if sys.argv[1:] == ["retag"] else throughput()

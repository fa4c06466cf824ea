"""Sentiment with VADER, checked against the VADER paper's human ratings."""

import math
import os
from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from poll.tagging import tag
from poll.tagging.sentiment import classify_sentiment, label_for

DATA = Path(__file__).resolve().parents[2] / "data"
GROUNDTRUTH = Path(
    os.environ.get("VADER_GROUNDTRUTH", Path(__file__).resolve().parents[3] / "shared" / "vader-groundtruth")
)


def pearson(xs: list[float], ys: list[float]) -> float:
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    spread_x = math.sqrt(sum((x - mean_x) ** 2 for x in xs))
    spread_y = math.sqrt(sum((y - mean_y) ** 2 for y in ys))
    return covariance / (spread_x * spread_y)


def read_groundtruth(name: str) -> list[tuple[float, str]]:
    path = GROUNDTRUTH / name
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"VADER ground truth missing at {path}")
        pytest.skip(f"VADER ground truth not found at {path}; set VADER_GROUNDTRUTH")
    rows = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        _, rating, text = line.split("\t", 2)
        rows.append((float(rating), text))
    return rows


def test_reproduces_vaders_correlation_on_tweets():
    rows = read_groundtruth("tweets_GroundTruth.txt")
    assert len(rows) > 4000
    human = [rating for rating, _ in rows]
    ours = [classify_sentiment(text)[1] for _, text in rows]
    assert pearson(human, ours) >= 0.85


def test_compound_is_vaders_own():
    text = "The launches are deeply worrying, but talks give me some hope!"
    assert tag(text).compound == SentimentIntensityAnalyzer().polarity_scores(text)["compound"]


@pytest.mark.parametrize(
    "compound, label",
    [
        (0.05, "positive"),
        (0.9, "positive"),
        (0.0499, "neutral"),
        (0.0, "neutral"),
        (-0.0499, "neutral"),
        (-0.05, "negative"),
        (-1.0, "negative"),
    ],
)
def test_labels_follow_vaders_thresholds(compound, label):
    assert label_for(compound) == label


def test_sentiment_of_clear_comments():
    assert tag("This is a terrible, dangerous escalation and I am furious.").sentiment == "negative"
    assert tag("Great summary, thank you, really helpful!").sentiment == "positive"
    assert tag("The launch was at 7:30 am.").sentiment == "neutral"

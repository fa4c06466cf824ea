"""Sentiment with VADER, checked against the VADER paper's human ratings."""

import math
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from poll.tagging import tag
from poll.tagging.sentiment import analyzer, classify_sentiment, label_for
from poll.tagging.training.datasets import STANCE_FILE
from poll.tagging.training.evaluate import read_labelled

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


@pytest.fixture(scope="module")
def stock_vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def test_scores_equal_vaders_own_on_the_papers_data_and_ours(stock_vader):
    """The ASCII shortcut changes nothing: every score of every text, emoji and
    all, equals the stock analyzer's (including variants with padding, case and
    line breaks)."""
    texts = [
        text
        for name in (
            "tweets_GroundTruth.txt",
            "amazonReviewSnippets_GroundTruth.txt",
            "movieReviewSnippets_GroundTruth.txt",
            "nytEditorialSnippets_GroundTruth.txt",
        )
        for _, text in read_groundtruth(name)
    ]
    texts += [text for text, _ in read_labelled(STANCE_FILE)]
    assert sum(not text.isascii() for text in texts) > 10  # the stock path is exercised too
    for text in texts:
        for variant in (text, f"  {text.upper()}\n", text.replace(" ", "\n")):
            assert analyzer().polarity_scores(variant) == stock_vader.polarity_scores(variant), variant


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                ["kind", "of", "very", "not", "but", "good", "bad", "no", "GREAT", "never", "least"]
            ),
            st.sampled_from([":)", ":-(", "!!!", "?", "lol", "<3", "\U0001f600", "\u2764"]),
            st.text(max_size=6),
        ),
        max_size=14,
    ),
    st.sampled_from([" ", "  ", "\n", ", ", "\t"]),
)
def test_generated_text_scores_like_vader(stock_vader, words, separator):
    text = separator.join(words)
    assert analyzer().polarity_scores(text) == stock_vader.polarity_scores(text)


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


def test_analyzer_is_built_once_per_process():
    assert analyzer() is analyzer()


def test_sentiment_of_clear_comments():
    assert tag("This is a terrible, dangerous escalation and I am furious.").sentiment == "negative"
    assert tag("Great summary, thank you, really helpful!").sentiment == "positive"
    assert tag("The launch was at 7:30 am.").sentiment == "neutral"


@pytest.mark.parametrize(
    "text",
    [
        "The talks were good, but the strikes are terrible.",
        "But the sanctions are working and I feel hopeful.",
        "Diplomacy is slow BUT it is better than war",
        "Good idea but bad timing but great goal",
        "Not bad, but not good either.",
    ],
)
def test_but_clauses_score_like_vader(stock_vader, text):
    """The ASCII shortcut calls VADER's private ``_but_check`` (weighting the words
    before and after "but"); every score must stay the stock analyzer's."""
    assert analyzer().polarity_scores(text) == stock_vader.polarity_scores(text)

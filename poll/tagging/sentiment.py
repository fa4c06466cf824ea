"""Sentiment with VADER, labelled by the thresholds its authors recommend."""

from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05


@cache
def analyzer() -> SentimentIntensityAnalyzer:
    """Built once per process: loading the lexicon is the expensive part."""
    return SentimentIntensityAnalyzer()


def label_for(compound: float) -> str:
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def classify_sentiment(text: str) -> tuple[str, float]:
    """(label, VADER compound score) for ``text``."""
    compound = analyzer().polarity_scores(text)["compound"]
    return label_for(compound), compound

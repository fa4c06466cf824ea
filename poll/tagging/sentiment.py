"""Sentiment with VADER, labelled by the thresholds its authors recommend."""

from functools import cache

from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer, SentiText

POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05


class Analyzer(SentimentIntensityAnalyzer):
    """vaderSentiment's analyzer, scoring exactly as it does.

    ``polarity_scores`` first swaps emoji for their descriptions, copying the
    text one character at a time in Python: for a typical comment that copy is
    a seventh of its time. Every emoji VADER knows is non-ASCII, so ASCII text
    (most comments) goes straight to the scoring steps, the same calls in the
    same order as vaderSentiment 3.3.2's ``polarity_scores`` (MIT licence). A
    test holds the two equal on the VADER paper's data; ``requirements.txt``
    pins the version.
    """

    def polarity_scores(self, text: str) -> dict[str, float]:
        if not text.isascii():
            return super().polarity_scores(text)
        return self._scores_without_emoji(text.strip())

    def _scores_without_emoji(self, text: str) -> dict[str, float]:
        sentitext = SentiText(text)
        sentiments: list = []
        words_and_emoticons = sentitext.words_and_emoticons
        last = len(words_and_emoticons) - 1
        for i, item in enumerate(words_and_emoticons):
            # Modifiers and "kind of" carry no valence of their own.
            lowered = item.lower()
            if lowered in BOOSTER_DICT or (
                i < last and lowered == "kind" and words_and_emoticons[i + 1].lower() == "of"
            ):
                sentiments.append(0)
                continue
            sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
        sentiments = self._but_check(words_and_emoticons, sentiments)
        return self.score_valence(sentiments, text)


@cache
def analyzer() -> Analyzer:
    """Built once per process: loading the lexicon is the expensive part."""
    return Analyzer()


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

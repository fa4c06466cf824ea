"""Comment tagging: stance and sentiment. Pure Python: no Flask, no database.

from poll.tagging import tag
tags = tag("Talks have failed; only strength deters them.")
tags.stance, tags.stance_confidence, tags.cues, tags.sentiment, tags.compound
"""

from typing import NamedTuple

from .lexicon import DIPLOMACY, MILITARY, NEUTRAL
from .sentiment import classify_sentiment
from .stance import classify_stance

TAGGER_VERSION = "stance-rules-1/vader-3.3.2"
STANCES = (MILITARY, DIPLOMACY, NEUTRAL)
SENTIMENTS = ("positive", "neutral", "negative")


class Tags(NamedTuple):
    stance: str
    stance_confidence: float
    cues: tuple[str, ...]
    sentiment: str
    compound: float
    version: str = TAGGER_VERSION

    def as_dict(self) -> dict:
        return {**self._asdict(), "cues": list(self.cues)}


def tag(text: str) -> Tags:
    """Stance and sentiment tags for one comment."""
    stance = classify_stance(text)
    sentiment, compound = classify_sentiment(text)
    return Tags(stance.stance, stance.confidence, stance.cues, sentiment, compound)


__all__ = ["STANCES", "SENTIMENTS", "TAGGER_VERSION", "Tags", "tag"]

"""Comment tagging: stance, incivility, language and sentiment. No Flask, no database.

from poll.tagging import tag
tags = tag("Talks have failed; only strength deters them.")
tags.stance, tags.stance_confidence, tags.cues, tags.sentiment, tags.compound,
tags.incivility, tags.uncivil, tags.language, tags.version

Stance and incivility come from linear heads over MiniLM sentence embeddings
(``heads``, ``features``, ``encoder``), trained by ``python -m
poll.tagging.train``; the lexicon only explains (``cues``: the words that
weighed most). A comment in another language than the heads were trained on
gets stance "unknown" and no incivility score rather than a confident guess.
"""

from typing import NamedTuple

from .features import comment_features
from .heads import shipped_head
from .language import DEFAULT_LANGUAGE, language_name
from .language import detect_language as detect_language
from .lexicon import DIPLOMACY, MILITARY, NEUTRAL
from .sentiment import classify_sentiment
from .stance import classify_stance

UNKNOWN = "unknown"
STANCES = (MILITARY, DIPLOMACY, NEUTRAL)
SENTIMENTS = ("positive", "neutral", "negative")
# Below this calibrated probability the stance is shown as "uncertain".
UNCERTAIN_BELOW = 0.5
STANCE_HEAD = "stance.json"
INCIVILITY_HEAD = "incivility.json"
TAGGED_LANGUAGES = (DEFAULT_LANGUAGE,)


# What tags are stored under: the heads' names and the sentiment analyser's.
TAGGER_VERSION = f"{shipped_head(STANCE_HEAD).name}+{shipped_head(INCIVILITY_HEAD).name}/vader-3.3.2"


class Tags(NamedTuple):
    stance: str
    stance_confidence: float
    cues: tuple[str, ...]
    sentiment: str
    compound: float
    incivility: float | None
    uncivil: bool
    language: str | None
    version: str

    def as_dict(self) -> dict:
        return {**self._asdict(), "cues": list(self.cues)}

    @property
    def language_name(self) -> str:
        return language_name(self.language)


def tag_many(texts: list[str]) -> list[Tags]:
    """Tags for many comments; the encoder runs over them in batches."""
    languages = [detect_language(text) for text in texts]
    tagged = [index for index, language in enumerate(languages) if language in TAGGED_LANGUAGES]
    features = comment_features([texts[index] for index in tagged])
    stance_head, incivility_head = shipped_head(STANCE_HEAD), shipped_head(INCIVILITY_HEAD)
    stance_probabilities = dict(zip(tagged, stance_head.probabilities(features), strict=True))
    incivility_probabilities = dict(zip(tagged, incivility_head.probabilities(features)[:, 1], strict=True))
    version = TAGGER_VERSION
    result = []
    for index, text in enumerate(texts):
        sentiment, compound = classify_sentiment(text)
        if index in stance_probabilities:
            probabilities = stance_probabilities[index]
            best = int(probabilities.argmax())
            stance, confidence = stance_head.labels[best], round(float(probabilities[best]), 4)
            incivility = round(float(incivility_probabilities[index]), 4)
            uncivil = incivility >= incivility_head.threshold
            cues = classify_stance(text).cues
        else:
            stance, confidence, incivility, uncivil, cues = UNKNOWN, 0.0, None, False, ()
        result.append(
            Tags(
                stance, confidence, cues, sentiment, compound, incivility, uncivil, languages[index], version
            )
        )
    return result


def tag(text: str) -> Tags:
    """Every tag of one comment."""
    return tag_many([text])[0]


__all__ = ["STANCES", "SENTIMENTS", "UNKNOWN", "UNCERTAIN_BELOW", "Tags", "TAGGER_VERSION", "tag", "tag_many"]

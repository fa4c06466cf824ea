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
from .heads import LinearHead, shipped_head
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


def _version(stance_head_name: str) -> str:
    """What tags are stored under: the heads' names and the sentiment analyser's."""
    return f"{stance_head_name}+{shipped_head(INCIVILITY_HEAD).name}/vader-3.3.2"


TAGGER_VERSION = _version(shipped_head(STANCE_HEAD).name)


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


# Passed as ``stance_head`` for a poll that no stance head covers: stance "unknown".
NO_STANCE_HEAD = "no-stance-head"


def version_with(stance_head: "LinearHead | str | None") -> str:
    """The version string of tags made with ``stance_head`` (None: the shipped head)."""
    if stance_head is None:
        return TAGGER_VERSION
    return _version(stance_head if isinstance(stance_head, str) else stance_head.name)


def tag_many(texts: list[str], stance_head: "LinearHead | str | None" = None) -> list[Tags]:
    """Tags for many comments; the encoder runs over them in batches.

    ``stance_head``: None for the shipped head (the North Korea poll's sides),
    a poll's own ``LinearHead``, or NO_STANCE_HEAD where none covers the poll."""
    languages = [detect_language(text) for text in texts]
    tagged = [index for index, language in enumerate(languages) if language in TAGGED_LANGUAGES]
    features = comment_features([texts[index] for index in tagged])
    incivility_head = shipped_head(INCIVILITY_HEAD)
    version = version_with(stance_head)
    if stance_head is None:
        stance_head = shipped_head(STANCE_HEAD)
    stance_probabilities = (
        {}
        if stance_head == NO_STANCE_HEAD
        else dict(zip(tagged, stance_head.probabilities(features), strict=True))
    )
    incivility_probabilities = dict(zip(tagged, incivility_head.probabilities(features)[:, 1], strict=True))
    result = []
    for index, text in enumerate(texts):
        sentiment, compound = classify_sentiment(text)
        stance, confidence, incivility, uncivil, cues = UNKNOWN, 0.0, None, False, ()
        if index in incivility_probabilities:
            incivility = round(float(incivility_probabilities[index]), 4)
            uncivil = incivility >= incivility_head.threshold
        if index in stance_probabilities:
            probabilities = stance_probabilities[index]
            best = int(probabilities.argmax())
            stance, confidence = stance_head.labels[best], round(float(probabilities[best]), 4)
            cues = classify_stance(text).cues
        result.append(
            Tags(
                stance, confidence, cues, sentiment, compound, incivility, uncivil, languages[index], version
            )
        )
    return result


def tag(text: str, stance_head: "LinearHead | str | None" = None) -> Tags:
    """Every tag of one comment (``stance_head`` as for ``tag_many``)."""
    return tag_many([text], stance_head)[0]


__all__ = [
    "NO_STANCE_HEAD",
    "LinearHead",
    "version_with",
    "STANCES",
    "SENTIMENTS",
    "UNKNOWN",
    "UNCERTAIN_BELOW",
    "Tags",
    "TAGGER_VERSION",
    "tag",
    "tag_many",
]

"""Comment tagging: stance, incivility, language and sentiment. No Flask, no database.

from poll.tagging import tag
tags = tag("Talks have failed; only strength deters them.")
tags.stance, tags.stance_confidence, tags.cues, tags.sentiment, tags.compound,
tags.incivility, tags.uncivil, tags.language, tags.version

Stance and incivility come from linear heads over sentence embeddings
(``heads``, ``features``): English stance over all-mpnet-base-v2 (``mpnet``),
the rest over multilingual-e5-small (``encoder``), trained by
``python -m poll.tagging.training.train``; the lexicon only explains (``cues``: the
words that weighed most). Each head's card lists the languages it was measured
good enough in; a comment in any other gets stance "unknown" and no
incivility score rather than a confident guess.
"""

from typing import NamedTuple

from poll.tagging.heads import LinearHead, shipped_head
from poll.tagging.language import DEFAULT_LANGUAGE
from poll.tagging.language import detect_language as detect_language
from poll.tagging.sentiment import classify_sentiment
from poll.tagging.stance import classify_stance
from poll.vocabulary import (
    SENTIMENTS,
    STANCES,
    UNCERTAIN,
    UNCERTAIN_BELOW,
    UNKNOWN,
    language_name,
    sure_stance,
)

STANCE_HEAD = "stance.json"  # every language it was measured good enough in, over e5
ENGLISH_STANCE_HEAD = "stance_en.json"  # English, over mpnet: English comments take this one
INCIVILITY_HEAD = "incivility.json"


def _version(stance_head_name: str) -> str:
    """What tags are stored under: the heads' names and the sentiment analyser's."""
    return f"{stance_head_name}+{shipped_head(INCIVILITY_HEAD).name}/vader-3.3.2"


def _shipped_stance_heads() -> dict[str, LinearHead]:
    """The shipped stance head for each language it tags."""
    heads = {code: shipped_head(STANCE_HEAD) for code in tagged_languages(shipped_head(STANCE_HEAD))}
    english = shipped_head(ENGLISH_STANCE_HEAD)
    return heads | dict.fromkeys(tagged_languages(english), english)


def __getattr__(name: str) -> str:
    # TAGGER_VERSION is read from the shipped heads on first use, not at import,
    # so that training can import this package while the heads are being remade.
    if name == "TAGGER_VERSION":
        return version_with(None)
    raise AttributeError(name)


def incivility_threshold(language: str | None) -> tuple[str, float | None]:
    """The shipped incivility head's name and the score at or above which it
    calls a comment in ``language`` uncivil (what ``tag`` decides ``uncivil`` by)."""
    head = shipped_head(INCIVILITY_HEAD)
    return head.name, head.threshold_for(language)


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
    def language_name(self) -> str | None:
        return language_name(self.language)

    @property
    def sure_stance(self) -> str | None:
        return sure_stance(None, self.stance, self.stance_confidence)


# Passed as ``stance_head`` for a poll that no stance head covers: stance "unknown".
NO_STANCE_HEAD = "no-stance-head"


def version_with(stance_head: "LinearHead | str | None") -> str:
    """The version string of tags made with ``stance_head`` (None: the shipped head)."""
    if stance_head is None:
        return _version(f"{shipped_head(ENGLISH_STANCE_HEAD).name}+{shipped_head(STANCE_HEAD).name}")
    return _version(stance_head if isinstance(stance_head, str) else stance_head.name)


def tagged_languages(head: LinearHead) -> tuple[str, ...]:
    """The languages a head's tags are given in: those its card says were measured
    good enough (a poll's own head: English, what its examples are written in)."""
    return tuple(head.card.get("languages", (DEFAULT_LANGUAGE,)))


def tag_many(texts: list[str], stance_head: "LinearHead | str | None" = None) -> list[Tags]:
    """Tags for many comments; the encoder runs over them in batches.

    ``stance_head``: None for the shipped head (the North Korea poll's sides),
    a poll's own ``LinearHead``, or NO_STANCE_HEAD where none covers the poll."""
    languages = [detect_language(text) for text in texts]
    incivility_head = shipped_head(INCIVILITY_HEAD)
    version = version_with(stance_head)
    if stance_head is None:
        stance_heads = _shipped_stance_heads()
    elif isinstance(stance_head, LinearHead):
        stance_heads = dict.fromkeys(tagged_languages(stance_head), stance_head)
    else:
        stance_heads = {}
    scored_languages = set(tagged_languages(incivility_head))

    def probabilities(head: LinearHead, wanted: set[str]) -> dict:
        """Each comment in a ``wanted`` language: ``head``'s probabilities."""
        indices = [index for index, code in enumerate(languages) if code in wanted]
        if not indices:
            return {}
        return dict(zip(indices, head.probabilities(head.features([texts[i] for i in indices])), strict=True))

    stance_probabilities: dict = {}
    for head in {id(head): head for head in stance_heads.values()}.values():
        wanted = {code for code, chosen in stance_heads.items() if chosen is head}
        stance_probabilities |= {index: (head, found) for index, found in probabilities(head, wanted).items()}
    incivility_probabilities = {
        index: both[1] for index, both in probabilities(incivility_head, scored_languages).items()
    }
    result = []
    for index, text in enumerate(texts):
        sentiment, compound = classify_sentiment(text)
        stance, confidence, incivility, uncivil = UNKNOWN, 0.0, None, False
        cues: tuple[str, ...] = ()
        if index in incivility_probabilities:
            incivility = round(float(incivility_probabilities[index]), 4)
            threshold = incivility_head.threshold_for(languages[index])
            uncivil = threshold is not None and incivility >= threshold
        if index in stance_probabilities:
            head, found = stance_probabilities[index]
            best = int(found.argmax())
            stance = head.labels[best]
            confidence = round(float(found[best]), 4)
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
    "UNCERTAIN",
    "UNCERTAIN_BELOW",
    "sure_stance",
    "Tags",
    "TAGGER_VERSION",
    "tag",
    "tag_many",
]

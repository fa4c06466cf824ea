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

from collections.abc import Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from poll.tagging.heads import LinearHead, shipped_head
from poll.tagging.language import DEFAULT_LANGUAGE, RULES_REVISION
from poll.tagging.language import detect_language as detect_language
from poll.tagging.sentiment import classify_sentiment
from poll.tagging.stance import classify_stance
from poll.vocabulary import (
    ENGLISH,
    NEUTRAL,
    NO_STANCE_HEAD,
    SENTIMENTS,
    STANCES,
    UNCERTAIN,
    UNCERTAIN_BELOW,
    UNCERTAIN_BELOW_OTHER_LANGUAGES,
    UNKNOWN,
    Tags,
    is_english,
    own_sure_from,
    sure_stance,
)

# The shipped heads: English comments' stance and incivility over all-mpnet-base-v2, the
# other languages' over multilingual-e5-small (each where its card says it was measured
# good enough). An English comment runs one encoder.
STANCE_HEAD = "stance.json"
ENGLISH_STANCE_HEAD = "stance_en.json"
INCIVILITY_HEAD = "incivility.json"
ENGLISH_INCIVILITY_HEAD = "incivility_en.json"


def _heads_by_language(multilingual: str, english: str) -> dict[str, LinearHead]:
    """The shipped head of a task for each language it tags: ``english`` for English."""
    heads = dict.fromkeys(tagged_languages(shipped_head(multilingual)), shipped_head(multilingual))
    return heads | dict.fromkeys(tagged_languages(shipped_head(english)), shipped_head(english))


def _version(stance_head_name: str, language: str | None) -> str:
    """What tags are stored under: the heads' names, the sentiment analyser's and the language rules'
    revision (a comment's language decides which heads read it)."""
    return f"{stance_head_name}+{_incivility_head(language).name}/vader-3.3.2/{RULES_REVISION}"


def _incivility_head(language: str | None) -> LinearHead:
    """The shipped incivility head that scores a comment in ``language``."""
    name = ENGLISH_INCIVILITY_HEAD if is_english(language) else INCIVILITY_HEAD
    return shipped_head(name)


def __getattr__(name: str) -> str:
    # TAGGER_VERSION (an English comment's) is read from the shipped heads on first use,
    # not at import, so that training can import this package while the heads are being remade.
    if name == "TAGGER_VERSION":
        return version_with(None)
    raise AttributeError(name)


def shipped_versions() -> tuple[str, ...]:
    """Every version the shipped heads store: an English comment's, and the other languages'."""
    return (version_with(None, ENGLISH), version_with(None, "other"))


def incivility_threshold(language: str | None) -> tuple[str, float | None]:
    """The shipped incivility head's name and the score at or above which it
    calls a comment in ``language`` uncivil (what ``tag`` decides ``uncivil`` by)."""
    head = _incivility_head(language)
    return head.name, head.threshold_for(language)


def version_with(stance_head: "LinearHead | str | None", language: str | None = ENGLISH) -> str:
    """The version string of tags made with ``stance_head`` (None: the shipped heads)
    for a comment in ``language``."""
    if stance_head is None:
        name = ENGLISH_STANCE_HEAD if is_english(language) else STANCE_HEAD
        return _version(shipped_head(name).name, language)
    return _version(stance_head if isinstance(stance_head, str) else stance_head.name, language)


def tagged_languages(head: LinearHead) -> tuple[str, ...]:
    """The languages a head's tags are given in: those its card says were measured
    good enough (a poll's own head: English, what its examples are written in)."""
    return tuple(head.card.get("languages", (DEFAULT_LANGUAGE,)))


def tag_many(
    texts: list[str], stance_head: "LinearHead | str | None" = None, poll_language: str | None = None
) -> list[Tags]:
    """Tags for many comments; the encoder runs over them in batches.

    ``stance_head``: None for the shipped head (the North Korea poll's sides),
    a poll's own ``LinearHead``, or NO_STANCE_HEAD where none covers the poll.
    ``poll_language``: the language of the poll they are posted on, which a comment too short to tell is
    read in (``language.detect_language``)."""
    # numpy's BLAS threads, once woken by a head's hidden layer, keep spinning on the cores that mpnet's
    # two onnxruntime threads need next: one thread for numpy here (measured: a comment took 172 ms with
    # them, 119 ms without; bench.tagging).
    with threadpool_limits(limits=1, user_api="blas"):
        return _tag_many(texts, stance_head, poll_language)


def _tag_many(
    texts: list[str], stance_head: "LinearHead | str | None", poll_language: str | None
) -> list[Tags]:
    languages = [detect_language(text, poll_language) for text in texts]
    if stance_head is None:
        stance_heads = _heads_by_language(STANCE_HEAD, ENGLISH_STANCE_HEAD)
    elif isinstance(stance_head, LinearHead):
        stance_heads = dict.fromkeys(tagged_languages(stance_head), stance_head)
    else:
        stance_heads = {}
    stance_probabilities = _probabilities(texts, languages, stance_heads)
    incivility_probabilities = _probabilities(
        texts, languages, _heads_by_language(INCIVILITY_HEAD, ENGLISH_INCIVILITY_HEAD)
    )
    result = []
    for index, text in enumerate(texts):
        sentiment, compound = classify_sentiment(text)
        stance, confidence, incivility, uncivil = UNKNOWN, 0.0, None, False
        cues: tuple[str, ...] = ()
        if index in incivility_probabilities:
            scoring, found = incivility_probabilities[index]
            incivility = round(float(found[1]), 4)
            threshold = scoring.threshold_for(languages[index])
            uncivil = threshold is not None and incivility >= threshold
        if index in stance_probabilities and not any(character.isalnum() for character in text):
            # No word to argue with (blank, punctuation, control characters): a head would still answer
            # (mp-8 read "" as diplomacy at 0.66), but nothing here takes a side.
            stance, confidence = NEUTRAL, 1.0
        elif index in stance_probabilities:
            head, found = stance_probabilities[index]
            best = int(found.argmax())
            stance = head.labels[best]
            confidence = round(float(found[best]), 4)
            cues = classify_stance(text).cues
        result.append(
            Tags(
                stance,
                confidence,
                cues,
                sentiment,
                compound,
                incivility,
                uncivil,
                languages[index],
                version_with(stance_head, languages[index]),
                sure_from_of(stance_head),
            )
        )
    return result


def sure_from_of(stance_head: "LinearHead | str | None") -> float | None:
    """The threshold a poll's own head keeps in its card (``poll.vocabulary.own_sure_from``); None for the
    shipped heads, whose thresholds ``poll.vocabulary`` holds by language."""
    return own_sure_from(stance_head.card) if isinstance(stance_head, LinearHead) else None


def _probabilities(
    texts: list[str], languages: Sequence[str | None], heads: dict[str, LinearHead]
) -> dict[int, tuple[LinearHead, np.ndarray]]:
    """Each comment in a language of ``heads``: the head for its language and that head's
    probabilities, each head reading its own encoder's features of its comments at once."""
    found: dict[int, tuple[LinearHead, np.ndarray]] = {}
    for head in {id(head): head for head in heads.values()}.values():
        indices = [index for index, code in enumerate(languages) if heads.get(code or "") is head]
        if indices:
            rows = head.probabilities_of([texts[index] for index in indices])
            found |= {index: (head, row) for index, row in zip(indices, rows, strict=True)}
    return found


def tag(text: str, stance_head: "LinearHead | str | None" = None, poll_language: str | None = None) -> Tags:
    """Every tag of one comment (``stance_head`` and ``poll_language`` as for ``tag_many``)."""
    return tag_many([text], stance_head, poll_language)[0]


__all__ = [
    "NO_STANCE_HEAD",
    "LinearHead",
    "version_with",
    "shipped_versions",
    "STANCES",
    "SENTIMENTS",
    "UNKNOWN",
    "UNCERTAIN",
    "UNCERTAIN_BELOW",
    "UNCERTAIN_BELOW_OTHER_LANGUAGES",
    "sure_stance",
    "Tags",
    "TAGGER_VERSION",
    "tag",
    "tag_many",
]

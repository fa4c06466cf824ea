"""Stance: does a comment argue for a stronger military response, for
diplomatic engagement, or neither?

A weighted lexicon read clause by clause, with rules for what a bag of words
misses: negation before a cue ("no more talks"), failure predicates after it
("military action won't solve anything"), contrast ("..., but talks are the
only way"), concession ("although ..."), balance ("both ... and ..."), pure
questions, and military words used as metaphors for peace ("the best
deterrent is a peace deal").
"""

import re
from dataclasses import dataclass
from functools import cache

from .lexicon import (
    AFTER_NEGATORS,
    BALANCE,
    CONCESSIVE_OPENERS,
    CONDITIONALS,
    CONTRAST,
    CUES,
    DIPLOMACY,
    ENDORSEMENT_BOOST,
    ENDORSEMENTS,
    FAILURE_PREDICATES,
    FIXED_CUES,
    MILITARY,
    NEGATORS,
    NEUTRAL,
)

NEGATION_WINDOW_WORDS = 4
FLIPPED_WEIGHT = 0.9
AFTER_CONTRAST_WEIGHT = 1.5
BEFORE_CONTRAST_WEIGHT = 0.5
MIN_EVIDENCE = 1.0
MIXED_RATIO = 0.6

OPPOSITE = {MILITARY: DIPLOMACY, DIPLOMACY: MILITARY}


@dataclass(frozen=True)
class StanceResult:
    stance: str
    confidence: float
    cues: tuple[str, ...]


@dataclass(frozen=True)
class _Hit:
    phrase: str
    side: str
    weight: float
    note: str


class _Patterns:
    """Every regular expression compiled once per process."""

    def __init__(self) -> None:
        alternatives = "|".join(f"(?P<c{index}>{pattern})" for index, (pattern, _, _) in enumerate(CUES))
        self.cue = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
        self.negator = re.compile(rf"(?<![\w'])(?:{NEGATORS})(?![\w'])")
        self.failure = re.compile(rf"^\W*(?:[\w'-]+\W+){{0,5}}?(?:{FAILURE_PREDICATES})(?![\w'])")
        self.after_negator = re.compile(rf"\b(?:{AFTER_NEGATORS})\b")
        self.conditional = re.compile(CONDITIONALS)
        self.endorsement = re.compile(ENDORSEMENTS)
        self.copula_then_cue = re.compile(
            r"^\s+(?:is|are|was|remains|would be|will be)\s+(?:[\w'-]+\s+){0,3}?"
        )
        self.contrast = re.compile(CONTRAST)
        self.concessive = re.compile(CONCESSIVE_OPENERS)
        self.balance = re.compile(BALANCE)
        self.sentence_end = re.compile(r"(?<=[.!?;])\s+|\n+")
        self.apostrophes = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


@cache
def _patterns() -> _Patterns:
    return _Patterns()


def _clauses(sentence: str, patterns: _Patterns) -> list[tuple[str, float]]:
    """Split a sentence at contrast markers; weight what comes after more."""
    parts = patterns.contrast.split(sentence)
    if len(parts) > 1:
        weighted = [(part, BEFORE_CONTRAST_WEIGHT) for part in parts[:-1]]
        return [*weighted, (parts[-1], AFTER_CONTRAST_WEIGHT)]
    if patterns.concessive.match(sentence.strip()) and "," in sentence:
        conceded, _, main = sentence.partition(",")
        return [(conceded, BEFORE_CONTRAST_WEIGHT), (main, AFTER_CONTRAST_WEIGHT)]
    return [(sentence, 1.0)]


def _cue_of(match: re.Match) -> tuple[str, str, float]:
    return CUES[int(match.lastgroup[1:])]


def _side_of(match: re.Match) -> tuple[str, float]:
    _, side, weight = _cue_of(match)
    return side, weight


def _clause_hits(clause: str, weight: float, patterns: _Patterns) -> list[_Hit]:
    matches = list(patterns.cue.finditer(clause))
    hits = []
    for index, match in enumerate(matches):
        following = matches[index + 1] if index + 1 < len(matches) else None
        if following is not None and _is_metaphor(clause, match, following, patterns):
            continue
        pattern, side, cue_weight = _cue_of(match)
        note = "" if pattern in FIXED_CUES else _turned_by(clause, match, patterns)
        if note:
            side, cue_weight = OPPOSITE[side], cue_weight * FLIPPED_WEIGHT
        elif patterns.endorsement.match(clause[match.end() :]):
            cue_weight *= ENDORSEMENT_BOOST
        hits.append(_Hit(match.group(0), side, cue_weight * weight, note))
    return hits


def _turned_by(clause: str, match: re.Match, patterns: _Patterns) -> str:
    """Why a cue argues against its own side ("no more talks", "strikes won't
    work"), or "" if it does not. Two negations cancel out."""
    before = " ".join(clause[: match.start()].split()[-NEGATION_WINDOW_WORDS:])
    negations = len(patterns.negator.findall(before))
    if negations and patterns.conditional.search(before):
        negations += 1
    after = clause[match.end() :]
    failing = patterns.failure.match(after) is not None
    failing += len(patterns.after_negator.findall(after))
    if (negations + failing) % 2 == 0:
        return ""
    return " (negated)" if negations % 2 else " (said to fail)"


def _is_metaphor(clause: str, cue: re.Match, following: re.Match, patterns: _Patterns) -> bool:
    """'The best deterrent is a peace deal': the first cue is only a figure of speech."""
    between = clause[cue.end() : following.start()]
    linked = patterns.copula_then_cue.fullmatch(between + " ") is not None
    # "War would be a disaster" is a judgement of war, not a figure of speech.
    judged = _cue_of(following)[0] in FIXED_CUES
    return linked and not judged and _side_of(cue)[0] != _side_of(following)[0]


def _is_pure_question(sentences: list[str]) -> bool:
    return bool(sentences) and all(sentence.rstrip().endswith("?") for sentence in sentences)


def classify_stance(text: str) -> StanceResult:
    """The stance a comment argues for, how sure we are, and the cues that decided."""
    patterns = _patterns()
    normalised = text.translate(patterns.apostrophes).lower()
    sentences = [s for s in patterns.sentence_end.split(normalised) if s.strip()]
    hits = [
        hit
        for sentence in sentences
        for clause, weight in _clauses(sentence, patterns)
        for hit in _clause_hits(clause, weight, patterns)
    ]
    cues = tuple(f"{hit.phrase}{hit.note} \u2192 {hit.side}" for hit in hits)
    scores = {MILITARY: 0.0, DIPLOMACY: 0.0}
    for hit in hits:
        scores[hit.side] += hit.weight
    return StanceResult(*_decide(scores, normalised, sentences, patterns), cues)


def _decide(scores: dict[str, float], text: str, sentences: list[str], patterns: _Patterns):
    military, diplomacy = scores[MILITARY], scores[DIPLOMACY]
    total = military + diplomacy
    margin = abs(military - diplomacy)
    if _is_pure_question(sentences):
        return NEUTRAL, 0.8
    if total < MIN_EVIDENCE:
        return NEUTRAL, round(0.9 - total * 0.3, 2)
    both_sides = military > 0 and diplomacy > 0
    balanced = both_sides and min(military, diplomacy) / max(military, diplomacy) >= MIXED_RATIO
    if balanced or (both_sides and patterns.balance.search(text)):
        return NEUTRAL, round(0.5 + 0.4 * (1 - margin / total), 2)
    stance = MILITARY if military > diplomacy else DIPLOMACY
    return stance, round(min(0.99, margin / (total + 1.0)), 2)

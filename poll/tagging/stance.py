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
from functools import cache
from typing import NamedTuple

from poll.tagging.lexicon import (
    AFTER_NEGATORS,
    BALANCE,
    CONCESSIVE_OPENERS,
    CONDITIONALS,
    CONTRACTED_NEGATION,
    CONTRAST,
    CUES,
    ENDORSEMENT_BOOST,
    ENDORSEMENTS,
    FAILURE_PREDICATES,
    FIXED_CUES,
    NEGATORS,
)
from poll.vocabulary import CUE_POINTS_TO, DIPLOMACY, MILITARY, NEUTRAL

NEGATION_WINDOW_WORDS = 4
FLIPPED_WEIGHT = 0.9
AFTER_CONTRAST_WEIGHT = 1.5
BEFORE_CONTRAST_WEIGHT = 0.5
MIN_EVIDENCE = 1.0
MIXED_RATIO = 0.6

OPPOSITE = {MILITARY: DIPLOMACY, DIPLOMACY: MILITARY}
CURLY_APOSTROPHES = ("\u2019", "\u2018", "`")
_RIGHT_QUOTE, _LEFT_QUOTE, _BACKTICK = CURLY_APOSTROPHES
SCOPE_END = re.compile(r"[,;:()\u2013\u2014]| - ")


class StanceResult(NamedTuple):
    stance: str
    confidence: float
    cues: tuple[str, ...]


class _Hit(NamedTuple):
    phrase: str
    side: str
    weight: float
    note: str


class _Cue(NamedTuple):
    side: str
    weight: float
    fixed: bool  # carries its own judgement: negation does not turn it


class _Patterns:
    """Every regular expression compiled once per process."""

    def __init__(self) -> None:
        # Every cue in one alternation, in lexicon order, each a named group
        # ``c<index>``: at each word start the first cue that matches wins.
        self.cue = re.compile(
            r"(?<![\w'-])(?:"
            + "|".join(f"(?P<c{index}>{pattern})" for index, (pattern, _, _) in enumerate(CUES))
            + r")(?![\w-])"
        )
        self.cue_by_group = {
            f"c{index}": _Cue(side, weight, pattern in FIXED_CUES)
            for index, (pattern, side, weight) in enumerate(CUES)
        }
        self.negator = re.compile(rf"(?<![\w'])(?:{NEGATORS})(?![\w'])")
        self.failure = re.compile(rf"^\W*(?:[\w'-]+\W+){{0,5}}?(?:{FAILURE_PREDICATES})(?![\w'])")
        self.conditional = re.compile(CONDITIONALS)
        self.endorsement = re.compile(ENDORSEMENTS)
        self.copula_then_cue = re.compile(
            r"^\s+(?:is|are|was|remains|would be|will be)\s+(?:[\w'-]+\s+){0,3}?"
        )
        self.contrast = re.compile(CONTRAST)
        self.concessive = re.compile(CONCESSIVE_OPENERS)
        self.balance = re.compile(BALANCE)
        # A mark followed by space, or line breaks. Every branch starts with a
        # literal, so the regex engine skips in C to the next mark (the form
        # "([.!?;])\s+|\n+" is tried at every character, twice as slow).
        self.sentence_end = re.compile(r"\.\s+|!\s+|\?\s+|;\s+|\n\n*")
        # A sentence that ends otherwise than with "?" (or a line without one).
        self.statement_end = re.compile(r"[.!;](?:\s|$)|[^?\s]\s*\n")
        self.apostrophes = str.maketrans({mark: "'" for mark in CURLY_APOSTROPHES})
        self.after_negator = re.compile("|".join(re.escape(phrase) for phrase in AFTER_NEGATORS))


@cache
def _patterns() -> _Patterns:
    return _Patterns()


class _Clause(NamedTuple):
    start: int
    end: int
    weight: float


def _sentence_spans(text: str, patterns: _Patterns) -> list[tuple[int, int]]:
    spans, start = [], 0
    for boundary in patterns.sentence_end.finditer(text):
        # The closing mark stays with its sentence: a question is told by its "?".
        mark_start = boundary.start()
        spans.append((start, mark_start if text[mark_start] == "\n" else mark_start + 1))
        start = boundary.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _clause_spans(text: str, sentence: tuple[int, int], patterns: _Patterns) -> list[_Clause]:
    """Split a sentence at contrast markers; weight what comes after more."""
    start, end = sentence
    # Most sentences have no marker: one search says so; a found one starts the list.
    first = patterns.contrast.search(text, start, end)
    if first is not None:
        clauses, position = [], start
        for marker in (first, *patterns.contrast.finditer(text, first.end(), end)):
            clauses.append(_Clause(position, marker.start(), BEFORE_CONTRAST_WEIGHT))
            position = marker.end()
        return [*clauses, _Clause(position, end, AFTER_CONTRAST_WEIGHT)]
    sentence_text = text[start:end]
    if "," in sentence_text and patterns.concessive.match(sentence_text.strip()):
        comma = text.index(",", start, end)
        return [_Clause(start, comma, BEFORE_CONTRAST_WEIGHT), _Clause(comma + 1, end, AFTER_CONTRAST_WEIGHT)]
    return [_Clause(start, end, 1.0)]


def _clauses_of(text: str, matches: list[re.Match], sentences, patterns: _Patterns) -> list:
    """The clause each match lies in (None if in none), walking both lists once:
    matches and sentences are in text order."""
    found: list[_Clause | None] = []
    sentence_iter = iter(sentences)
    sentence = next(sentence_iter, None)
    clauses: list[_Clause] = []
    for match in matches:
        start = match.start()
        while sentence is not None and sentence[1] <= start:
            sentence, clauses = next(sentence_iter, None), []
        if sentence is None or start < sentence[0]:
            found.append(None)
            continue
        if not clauses:
            clauses = _clause_spans(text, sentence, patterns)
        found.append(next((c for c in clauses if c.start <= start < c.end), None))
    return found


def _hits(text: str, matches: list[re.Match], sentences, patterns: _Patterns) -> list[_Hit]:
    hits = []
    cue_by_group = patterns.cue_by_group
    clauses = _clauses_of(text, matches, sentences, patterns)
    last = len(matches) - 1
    for index, match in enumerate(matches):
        clause = clauses[index]
        if clause is None:
            continue
        if index < last:
            following = matches[index + 1]
            if following.start() < clause.end and _is_metaphor(text, match, following, patterns):
                continue
        side, cue_weight, fixed = cue_by_group[match.lastgroup or ""]
        after = text[match.end() : clause.end]
        note = "" if fixed else _turned_by(text, clause, match, after, patterns)
        if note:
            side, cue_weight = OPPOSITE[side], cue_weight * FLIPPED_WEIGHT
        elif patterns.endorsement.match(after):
            cue_weight *= ENDORSEMENT_BOOST
        hits.append(_Hit(match.group(), side, cue_weight * clause.weight, note))
    return hits


def _turned_by(text: str, clause: _Clause, match: re.Match, after: str, patterns: _Patterns) -> str:
    """Why a cue argues against its own side ("no more talks", "strikes won't
    work"), or "" if it does not. Two negations cancel out. ``after`` is the
    rest of the clause after the cue."""
    negations = 0
    if match.start() > clause.start:  # a cue that opens its clause has nothing before it
        # A negation's scope ends at punctuation: "no more talks, respond with force".
        preceding = SCOPE_END.split(text[clause.start : match.start()])[-1]
        before = " ".join(preceding.split()[-NEGATION_WINDOW_WORDS:])
        negations = len(patterns.negator.findall(before)) + before.count(CONTRACTED_NEGATION)
        if negations and patterns.conditional.search(before):
            negations += 1
    failing = int(patterns.failure.match(after) is not None)
    failing += len(patterns.after_negator.findall(after))
    if (negations + failing) % 2 == 0:
        return ""
    return " (negated)" if negations % 2 else " (said to fail)"


def _is_metaphor(text: str, cue: re.Match, following: re.Match, patterns: _Patterns) -> bool:
    """'The best deterrent is a peace deal': the first cue is only a figure of speech."""
    between = text[cue.end() : following.start()]
    linked = patterns.copula_then_cue.fullmatch(between + " ") is not None
    if not linked:
        return False
    cue_by_group = patterns.cue_by_group
    later, first = cue_by_group[following.lastgroup or ""], cue_by_group[cue.lastgroup or ""]
    # "War would be a disaster" is a judgement of war, not a figure of speech.
    return not later.fixed and first.side != later.side


def _is_pure_question(text: str, patterns: _Patterns) -> bool:
    """Every sentence ends with a question mark: nothing but questions is asked."""
    stripped = text.rstrip()
    return stripped.endswith("?") and patterns.statement_end.search(stripped) is None


def classify_stance(text: str) -> StanceResult:
    """The stance a comment argues for, how sure we are, and the cues that decided."""
    patterns = _patterns()
    normalised = text.lower()
    # Three substring tests cost less than translating every comment.
    if _RIGHT_QUOTE in normalised or _LEFT_QUOTE in normalised or _BACKTICK in normalised:
        normalised = normalised.translate(patterns.apostrophes)
    matches = list(patterns.cue.finditer(normalised))
    if not matches:  # most neutral comments: no sentence or clause work needed
        return StanceResult(NEUTRAL, 0.8 if _is_pure_question(normalised, patterns) else 0.9, ())
    sentences = _sentence_spans(normalised, patterns)
    pure_question = _is_pure_question(normalised, patterns)
    hits = _hits(normalised, matches, sentences, patterns)
    cues = tuple(f"{hit.phrase}{hit.note}{CUE_POINTS_TO}{hit.side}" for hit in hits)
    scores = {MILITARY: 0.0, DIPLOMACY: 0.0}
    for hit in hits:
        scores[hit.side] += hit.weight
    stance, confidence = _decide(scores, normalised, pure_question, patterns)
    return StanceResult(stance, confidence, cues)


def _decide(
    scores: dict[str, float], text: str, pure_question: bool, patterns: _Patterns
) -> tuple[str, float]:
    military, diplomacy = scores[MILITARY], scores[DIPLOMACY]
    total = military + diplomacy
    margin = abs(military - diplomacy)
    if pure_question:
        return NEUTRAL, 0.8
    if total < MIN_EVIDENCE:
        return NEUTRAL, round(0.9 - total * 0.3, 2)
    both_sides = military > 0 and diplomacy > 0
    balanced = both_sides and min(military, diplomacy) / max(military, diplomacy) >= MIXED_RATIO
    if balanced or (both_sides and patterns.balance.search(text)):
        return NEUTRAL, round(0.5 + 0.4 * (1 - margin / total), 2)
    stance = MILITARY if military > diplomacy else DIPLOMACY
    return stance, round(min(0.99, margin / (total + 1.0)), 2)

"""The cue index finds exactly what trying every cue at every word start finds."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poll.tagging.cue_index import CueIndex, possible_prefixes, trie_pattern
from poll.tagging.lexicon import CUES
from poll.tagging.training.datasets import STANCE_FILE
from poll.tagging.training.evaluate import read_labelled

DATA = Path(__file__).resolve().parents[2] / "data"
PATTERNS = [pattern for pattern, _, _ in CUES]
SUFFIX = r"(?![\w-])"
WORD_START = re.compile(r"(?<![\w'-])\w")
SINGLE_CUES = [re.compile(f"(?:{pattern}){SUFFIX}") for pattern in PATTERNS]


def reference_scan(text: str) -> list[tuple[int, int, int]]:
    """Every cue tried at every word start, in lexicon order: slow, obviously right."""
    found, resume = [], 0
    for start in WORD_START.finditer(text):
        position = start.start()
        if position < resume:
            continue
        for index, cue in enumerate(SINGLE_CUES):
            match = cue.match(text, position)
            if match is not None:
                found.append((position, match.end(), index))
                resume = match.end()
                break
    return found


def indexed_scan(index: CueIndex, text: str) -> list[tuple[int, int, int]]:
    return [(match.start(), match.end(), int(match.lastgroup[1:])) for match in index.find_all(text)]


@pytest.fixture(scope="module")
def cue_index():
    return CueIndex(PATTERNS)


@pytest.mark.parametrize(
    "pattern, prefixes",
    [
        ("war", {"war"}),
        (r"strikes?|bomb(?:s|ing|ed)?", {"strik", "bomb", "bombs", "bombi", "bombe"}),
        (r"(?:a )?stronger", {"a str", "stron"}),
        (r"negotiat\w*", {"negot"}),
        (r"de-?escalat\w*", {"de-es", "deesc"}),
        (r"\w+ing", {""}),  # could start with anything
        (r"[xy]z", {"xz", "yz"}),
        (r"\bpeace\b", {"peace"}),
    ],
)
def test_possible_prefixes(pattern, prefixes):
    assert possible_prefixes(pattern) == prefixes


def test_every_match_of_every_cue_starts_with_one_of_its_prefixes():
    texts = [text.lower() for text, _ in read_labelled(STANCE_FILE)]
    for pattern, cue in zip(PATTERNS, SINGLE_CUES, strict=True):
        prefixes = tuple(possible_prefixes(pattern))
        for text in texts:
            for start in WORD_START.finditer(text):
                match = cue.match(text, start.start())
                if match is not None:
                    assert text.startswith(prefixes, start.start()), (pattern, match.group())


def test_trie_pattern_matches_exactly_the_words():
    words = {"war", "warn", "peace", "pe", "talks"}
    trie = re.compile(f"(?:{trie_pattern(words)})")
    for word in ["war", "warn", "warning", "peace", "pe", "pea", "talks", "talk", "wa", "x"]:
        assert (trie.match(word) is not None) == word.startswith(tuple(words)), word


def test_labelled_comments_scan_like_the_reference(cue_index):
    rows = read_labelled(STANCE_FILE)
    for text, _ in rows:
        lowered = text.lower()
        assert indexed_scan(cue_index, lowered) == reference_scan(lowered), text


CUE_WORDS = [
    "military",
    "talks",
    "no",
    "more",
    "strike",
    "strikes",
    "peace",
    "deal",
    "a",
    "the",
    "table",
    "de-escalate",
    "war",
    "nuclear",
    "sanctions",
    "stronger",
    "response",
    "won't",
    "diplomacy",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(CUE_WORDS), st.text(alphabet="abdeilmnorstw-' ", max_size=8)),
        max_size=12,
    ),
    st.lists(st.sampled_from([" ", ", ", ". ", "-", "'", "\n", "?"]), min_size=12, max_size=12),
)
def test_generated_text_scans_like_the_reference(cue_index, words, separators):
    text = "".join(word + separator for word, separator in zip(words, separators, strict=False))
    assert indexed_scan(cue_index, text) == reference_scan(text)

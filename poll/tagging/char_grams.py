"""Hashed character n-grams: what the words of a comment say, in any script.

A sentence vector averages every token, and an insult is often one or two words among policy words,
while a civil comment full of war and anger lands beside the insults (rule J in data/README.md). The
n-grams of each word, hashed into a fixed number of columns, see the words themselves in every script,
with no tokenizer and no list of words: a linear model over them sits beside the e5 head.

These are scikit-learn's ``HashingVectorizer(analyzer="char_wb", lowercase=True, alternate_sign=False,
norm="l2")`` columns, which training fits on. The tagger computes them with ``mmh3`` (the same
MurmurHash3) instead, so that a tagging process does not load scikit-learn and SciPy for them (about
90 MB); a test checks that the two agree. Links are blanked first, as the encoders' features blank them:
no training row has one, and a link's unseen n-grams would dilute an insult's (a long URL appended to
each comment of holdout_8 let 18 % of its insults through).
"""

import hashlib
from dataclasses import dataclass

import numpy as np

from poll.tagging.features import without_links

COLUMNS = 2**20


def word_grams(text: str, shortest: int, longest: int) -> list[str]:
    """The n-grams of each word of ``text`` (lower-cased), ``shortest`` to ``longest`` characters, each
    word padded with a space on both sides; a word shorter than n counts once."""
    grams = []
    for word in text.lower().split():
        padded = f" {word} "
        for size in range(shortest, longest + 1):
            offset = 0
            grams.append(padded[:size])
            while offset + size < len(padded):
                offset += 1
                grams.append(padded[offset : offset + size])
            if offset == 0:
                break
    return grams


def column_of(gram: str) -> int:
    """The column a gram is counted in (scikit-learn's FeatureHasher's rule)."""
    # Imported here, so that a virtualenv that predates mmh3 says what to run when a comment is tagged.
    try:
        import mmh3
    except ImportError as error:
        from poll.tagging.encoder import EncoderUnavailable

        raise EncoderUnavailable("mmh3 is not installed: run `make install`") from error

    hashed = mmh3.hash(gram.encode("utf-8"), 0, signed=True)
    if hashed == -(2**31):
        return (2**31 - 1 - (COLUMNS - 1)) % COLUMNS
    return abs(hashed) % COLUMNS


def hashed_grams(text: str, ngram_range: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """``text``'s non-zero columns and their values: each gram's count, the row scaled to unit length."""
    columns, counts = np.unique(
        np.array([column_of(gram) for gram in word_grams(text, *ngram_range)], dtype=np.int64),
        return_counts=True,
    )
    values = counts.astype(np.float64)
    length = np.sqrt((values**2).sum())
    return columns, values / length if length else values


@dataclass
class CharGramModel:
    """A linear score over a comment's hashed n-grams: ``weights`` at ``columns``, the rest zero."""

    ngram_range: tuple[int, int]
    columns: np.ndarray  # (kept,) int32, ascending
    weights: np.ndarray  # (kept,) float32
    bias: float

    def __post_init__(self) -> None:
        self._dense = np.zeros(COLUMNS, dtype=np.float32)
        self._dense[self.columns] = self.weights

    def scores(self, texts: list[str]) -> np.ndarray:
        """One score per text (the model's logit), its links aside."""
        result = np.full(len(texts), self.bias, dtype=np.float32)
        for index, text in enumerate(texts):
            columns, values = hashed_grams(without_links(text), self.ngram_range)
            result[index] += float(self._dense[columns] @ values)
        return result

    def sha256(self) -> str:
        """SHA-256 of the range, columns, weights and bias as stored (what loading checks)."""
        digest = hashlib.sha256()
        digest.update(np.asarray(self.ngram_range, dtype="<i4").tobytes())
        digest.update(np.ascontiguousarray(self.columns, dtype="<i4").tobytes())
        digest.update(np.ascontiguousarray(self.weights, dtype="<f4").tobytes())
        digest.update(np.asarray([self.bias], dtype="<f4").tobytes())
        return digest.hexdigest()

"""The tagger's hashed character n-grams are scikit-learn's, which training fits on, without loading
scikit-learn; a model over them scores the dot product of its weights and a comment's n-grams."""

import csv

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from poll.tagging.char_grams import COLUMNS, CharGramModel, hashed_grams, word_grams
from poll.tagging.features import without_links
from poll.tagging.training.datasets import MULTILINGUAL_TRAIN_FILE
from poll.tagging.training.incivility import NGRAM_RANGES
from poll.tagging.training.incivility import hashed_grams as training_grams

AWKWARD = [
    "",
    "   ",
    "a",
    "  two\tspaces\n\nand  lines  ",
    "Ünïcödé ÉCOLE Straße İstanbul ΣΊΣΥΦΟΣ",
    "北朝鮮のミサイル、また発射。😡😡",
    "이 멍청한 놈아!!! ㅋㅋㅋ",
    "مرحبا بكم في النقاش",
    "@mira #hashtag and a link: https://example.com/a?b=1",
    "x" * 500,
]


def texts_to_compare() -> list[str]:
    with MULTILINGUAL_TRAIN_FILE.open(encoding="utf-8") as handle:
        written = [row["text"] for row in csv.DictReader(handle)][:300]
    return written + AWKWARD


@pytest.mark.parametrize("ngram_range", NGRAM_RANGES)
def test_the_taggers_n_grams_are_scikit_learns(ngram_range):
    texts = texts_to_compare()
    expected = training_grams(texts, ngram_range)
    assert expected.shape == (len(texts), COLUMNS)
    for index, text in enumerate(texts):
        columns, values = hashed_grams(without_links(text), ngram_range)
        row = expected[index]
        assert list(columns) == sorted(row.indices), text
        assert np.allclose(values, row.toarray()[0, columns]), text


def test_hashing_vectorizer_settings_are_the_ones_documented():
    """Guards the module's claim: char_wb, lower-cased, no alternate sign, unit rows."""
    text = "Idiot idiot IDIOT"
    vectorizer = HashingVectorizer(
        analyzer="char_wb", ngram_range=(2, 4), n_features=COLUMNS, alternate_sign=False, norm="l2"
    )
    expected = vectorizer.transform([text])
    columns, values = hashed_grams(text, (2, 4))
    assert np.allclose(values, expected.toarray()[0, columns])
    assert np.isclose(np.linalg.norm(values), 1.0)
    assert word_grams("Ab c", 2, 3) == [" a", "ab", "b ", " ab", "ab ", " c", "c ", " c "]


def test_a_model_scores_its_weights_against_the_comments_n_grams():
    rng = np.random.default_rng(20261208)
    columns = np.sort(rng.choice(COLUMNS, size=5000, replace=False)).astype(np.int32)
    weights = rng.normal(size=5000).astype(np.float32)
    model = CharGramModel((2, 4), columns, weights, bias=-0.25)
    dense = np.zeros(COLUMNS, dtype=np.float32)
    dense[columns] = weights
    texts = texts_to_compare()[:50]
    matrix = training_grams(texts, (2, 4))
    assert np.allclose(model.scores(texts), matrix @ dense - 0.25, atol=1e-5)
    assert model.scores([]).shape == (0,)


def test_the_models_digest_covers_range_weights_and_bias():
    columns = np.array([3, 7], dtype=np.int32)
    weights = np.array([0.5, -1.0], dtype=np.float32)
    digest = CharGramModel((2, 4), columns, weights, 0.1).sha256()
    assert CharGramModel((2, 5), columns, weights, 0.1).sha256() != digest
    assert CharGramModel((2, 4), columns, weights * 2, 0.1).sha256() != digest
    assert CharGramModel((2, 4), columns + 1, weights, 0.1).sha256() != digest
    assert CharGramModel((2, 4), columns, weights, 0.2).sha256() != digest
    assert CharGramModel((2, 4), columns.copy(), weights.copy(), 0.1).sha256() == digest


def test_a_link_changes_no_score():
    """Links are blanked before hashing, as the encoders' features blank them: no training row has one,
    and a long URL's unseen n-grams diluted an insult's score (7.05 to 1.49) before they were."""
    rng = np.random.default_rng(20261208)
    columns = np.sort(rng.choice(COLUMNS, size=50_000, replace=False)).astype(np.int32)
    model = CharGramModel((2, 5), columns, rng.normal(size=50_000).astype(np.float32), bias=0.0)
    for text in ("Tu es un idiot complet", "이 멍청한 놈아 닥쳐", "Read this first"):
        linked = [
            f"{text} https://www.example-news.com/world/asia/2026/12/08/north-korea-missile-launch-analysis",
            f"{text} www.bit.ly/3xYz",
            f"https://example.com/a?b=1 {text}",
        ]
        assert np.allclose(model.scores(linked), model.scores([text] * 3), atol=1e-6), text
    only_a_link = "https://example.com/only"
    assert model.scores([only_a_link])[0] != model.bias  # a text that is only a link keeps its n-grams


def test_without_mmh3_tagging_says_what_to_run(monkeypatch):
    """A virtualenv made before the n-gram heads has no mmh3: the error names `make install`."""
    import sys

    from poll.tagging.encoder import EncoderUnavailable

    monkeypatch.setitem(sys.modules, "mmh3", None)  # what a missing package looks like to `import`
    model = CharGramModel((2, 4), np.array([1], dtype=np.int32), np.array([1.0], dtype=np.float32), 0.0)
    with pytest.raises(EncoderUnavailable, match="make install"):
        model.scores(["a comment"])

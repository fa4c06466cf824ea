"""A head with a hidden layer: what is saved is what is read back, a hidden layer's file that is not
the one saved is refused, and tagging holds numpy to one BLAS thread for it."""

import json

import numpy as np
import pytest

from poll.tagging import tag_many
from poll.tagging.char_grams import CharGramModel
from poll.tagging.heads import HeadMismatch, LinearHead

RNG = np.random.default_rng(20261207)


def layered_head() -> LinearHead:
    return LinearHead(
        "layered-1",
        ("military", "diplomacy", "neutral"),
        RNG.normal(size=(3, 8)).astype(np.float32),
        RNG.normal(size=3).astype(np.float32),
        1.3,
        hidden_weights=RNG.normal(size=(8, 5)).astype(np.float32),
        hidden_bias=RNG.normal(size=8).astype(np.float32),
    )


def test_the_hidden_layer_is_a_relu_layer_before_the_linear_one():
    head = layered_head()
    features = RNG.normal(size=(4, 5)).astype(np.float32)
    hidden = np.maximum(features @ head.hidden_weights.T + head.hidden_bias, 0)
    assert np.allclose(head.logits(features), hidden @ head.weights.T + head.bias, atol=1e-5)
    assert np.allclose(head.probabilities(features).sum(axis=1), 1.0)


def test_a_hidden_layer_is_saved_beside_the_json_and_read_back(tmp_path):
    head = layered_head()
    head.save(tmp_path / "stance.json")
    stored = json.loads((tmp_path / "stance.json").read_text())
    assert stored["hidden_layer"] == {
        "file": "layered-1.hidden.npz",
        "units": 8,
        "sha256": head.hidden_layer_sha256(),
    }
    assert (tmp_path / "layered-1.hidden.npz").is_file()
    again = LinearHead.from_json(stored, tmp_path)
    features = RNG.normal(size=(6, 5)).astype(np.float32)
    assert np.allclose(again.probabilities(features), head.probabilities(features), atol=1e-6)


def test_a_hidden_layer_file_that_is_not_the_one_saved_is_refused(tmp_path):
    head = layered_head()
    head.save(tmp_path / "stance.json")
    stored = json.loads((tmp_path / "stance.json").read_text())
    tampered = head.hidden_weights.copy()
    tampered[0, 0] += 0.5
    np.savez(tmp_path / "layered-1.hidden.npz", weights=tampered, bias=head.hidden_bias)
    with pytest.raises(HeadMismatch, match="hidden layer"):
        LinearHead.from_json(stored, tmp_path)


def test_tagging_runs_numpy_on_one_blas_thread_and_gives_the_threads_back(monkeypatch):
    """A hidden layer's product wakes numpy's BLAS threads, which then spin on the cores mpnet needs."""
    from threadpoolctl import threadpool_info

    import poll.tagging as tagging

    def blas_threads() -> set[int]:
        return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}

    before = blas_threads()
    seen = []
    monkeypatch.setattr(tagging, "_tag_many", lambda texts, head, language: seen.append(blas_threads()) or [])
    assert tag_many(["one comment"]) == []
    assert seen == [{1}]
    assert blas_threads() == before


def gram_head() -> LinearHead:
    columns = np.sort(RNG.choice(2**20, size=300, replace=False)).astype(np.int32)
    return LinearHead(
        "grams-1",
        ("civil", "uncivil"),
        RNG.normal(size=(1, 6)).astype(np.float32),
        RNG.normal(size=1).astype(np.float32),
        1.1,
        0.5,
        char_grams=CharGramModel((2, 4), columns, RNG.normal(size=300).astype(np.float32), 0.2),
    )


def test_a_head_with_an_n_gram_model_reads_its_score_as_the_last_feature(monkeypatch):
    import poll.tagging.heads as heads

    head = gram_head()
    embedded = RNG.normal(size=(2, 5)).astype(np.float32)
    monkeypatch.setattr(heads, "comment_features", lambda texts: embedded)
    texts = ["you absolute idiot", "a calm reply"]
    features = head.features(texts)
    assert features.shape == (2, 6)
    assert np.allclose(features[:, :5], embedded)
    assert np.allclose(features[:, 5], head.char_grams.scores(texts))


def test_an_n_gram_model_is_saved_beside_the_json_and_read_back(tmp_path):
    head = gram_head()
    head.save(tmp_path / "incivility.json")
    stored = json.loads((tmp_path / "incivility.json").read_text())
    assert stored["char_grams"] == {
        "file": "grams-1.char_grams.npz",
        "ngram_range": [2, 4],
        "sha256": head.char_grams.sha256(),
    }
    again = LinearHead.from_json(stored, tmp_path)
    texts = ["you absolute idiot", "a calm reply", "멍청이"]
    assert np.allclose(again.char_grams.scores(texts), head.char_grams.scores(texts), atol=1e-6)
    assert again.char_grams.sha256() == head.char_grams.sha256()


def test_an_n_gram_file_that_is_not_the_one_saved_is_refused(tmp_path):
    head = gram_head()
    head.save(tmp_path / "incivility.json")
    stored = json.loads((tmp_path / "incivility.json").read_text())
    grams = head.char_grams
    np.savez_compressed(
        tmp_path / "grams-1.char_grams.npz", columns=grams.columns, weights=grams.weights * 2, bias=grams.bias
    )
    with pytest.raises(HeadMismatch, match="n-gram"):
        LinearHead.from_json(stored, tmp_path)

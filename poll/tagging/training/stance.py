"""Fitting the stance heads: English comments' over all-mpnet-base-v2, the other languages' over e5.

Each head's regularisation strength is chosen on the dev split, then it is refitted on train + dev; its
temperature and the "sure" threshold come from out-of-fold predictions grouped by source. No test split
is read here (``measure`` reports them).
"""

import numpy as np

from poll.tagging import metrics, mpnet
from poll.tagging.encoder import ENCODER_NAME, MODEL_SHA256
from poll.tagging.features import comment_features as embed
from poll.tagging.features import english_stance_features
from poll.tagging.fitting import (
    HIDDEN_UNITS,
    NETWORK_EPOCHS,
    NETWORK_STRENGTHS,
    STRENGTHS,
    encode_labels,
    fit_linear,
    fit_network,
    fit_temperature,
    out_of_fold_logits,
)
from poll.tagging.heads import LinearHead
from poll.tagging.training import measure
from poll.tagging.training.cards import card_header
from poll.tagging.training.datasets import (
    DATA_DIR,
    ENGLISH_STANCE_FILES,
    HELD_OUT_STANCE,
    MULTILINGUAL_FILE,
    MULTILINGUAL_TRAIN_FILES,
    OTHER_LANGUAGES,
    STANCE_ARGUMENT_FILES,
    STANCE_ROUND6_FILE,
    STANCE_SHORT_FILE,
    fitting_rows,
    language_of,
    rows_of,
    texts,
)
from poll.tagging.training.measure import STANCE_LABELS
from poll.vocabulary import ENGLISH, SURE_PRECISION

ENGLISH_STANCE_HEAD = "stance-nk-mp-8"  # rule F (data/README.md): B's head over mpnet's stance branch
# The hidden layer's L2 strength dev chose for it (``stance_branch --dev``): the branch has seen the dev
# rows since, so dev cannot choose it again here.
ENGLISH_STANCE_STRENGTH = 0.01
# Out of fold on a language's own training rows (grouped by page); below it, that language's comments get
# no stance ("not tagged"). Until round eight the gate read the multilingual dev split, 9-21 rows a
# language: German was shut out on nine.
STANCE_LANGUAGE_MIN_F1 = 0.5
SHORT_COMMENT_BELOW = 90  # characters: the short stance rows are 20-90, every other stance set 80-220


def choose_strength(train_x, train_y, dev_x, dev_y, labels, network=False) -> tuple[float, dict]:
    """The regularisation with the best dev macro-F1 (ties: the simpler head): a linear head's C, or with
    ``network`` the hidden layer's L2 strength."""
    scores = {}
    for strength in NETWORK_STRENGTHS if network else STRENGTHS:
        head = head_from(train_x, train_y, strength, 1.0, network)
        predicted = np.argmax(head.logits(dev_x), axis=1)
        scores[strength] = metrics.report(dev_y, predicted, labels)["macro_f1"]
    simpler = 1 if network else -1  # a larger L2 strength, a smaller C
    best = max(scores, key=lambda strength: (scores[strength], simpler * strength))
    return best, scores


def train_stance() -> LinearHead:
    """Over e5, every language: the stance of comments not in English."""
    return _fit_stance(
        "stance-nk-e5-4",
        (*STANCE_ARGUMENT_FILES, *MULTILINGUAL_TRAIN_FILES),
        STANCE_ARGUMENT_FILES,
        embed,
        MODEL_SHA256,
        ENCODER_NAME,
    )


def english_stance_rows(splits: tuple[str, ...]) -> tuple[list[dict], np.ndarray]:
    """The English stance head's fitting rows of ``splits`` (and the stance branch's), with their labels."""
    rows = fitting_rows(ENGLISH_STANCE_FILES, splits, HELD_OUT_STANCE)
    return rows, encode_labels([row["stance"] for row in rows], STANCE_LABELS)


def train_english_stance() -> LinearHead:
    """English rows only, through a hidden layer, over mpnet's stance branch (rule F in data/README.md):
    the stance of English comments, with a temperature of its own for short ones. The branch was fitted
    on every fitting row (``stance_branch``), so out-of-fold predictions would flatter it: the temperature
    and the sure threshold come from round six's rows, which neither the branch nor the head saw."""
    rows, targets = english_stance_rows(("train", "dev"))
    head = head_from(english_stance_features(texts(rows)), targets, ENGLISH_STANCE_STRENGTH, 1.0, True)
    calibration = fitting_rows((STANCE_ROUND6_FILE,), ("train", "dev"), HELD_OUT_STANCE)
    calibration_logits = head.logits(english_stance_features(texts(calibration)))
    calibration_targets = encode_labels([row["stance"] for row in calibration], STANCE_LABELS)
    head.temperature = fit_temperature(calibration_logits, calibration_targets)
    probabilities = metrics.softmax(calibration_logits / head.temperature)
    sure_from = metrics.sure_threshold(probabilities, calibration_targets, SURE_PRECISION)
    head.name, head.encoder_sha256 = ENGLISH_STANCE_HEAD, mpnet.BRANCH_SHA256
    head.card = card_header(
        "stance of a comment on the North Korea poll (and parallel conflicts)",
        mpnet.BRANCH_NAME,
        mpnet.BRANCH_SHA256,
        ENGLISH_STANCE_FILES,
    )
    head.card["data"] |= {"train_and_dev": len(rows), "calibration": len(calibration)}
    head.card |= {
        "model": (
            f"one hidden layer of {HIDDEN_UNITS} ReLU units, then softmax (scikit-learn MLPClassifier, "
            f"Adam, {NETWORK_EPOCHS} epochs, classes balanced), over mpnet's top four layers fitted to "
            "stance with low-rank adapters (poll/tagging/training/stance_branch.py)"
        ),
        "hidden_layer_L2": ENGLISH_STANCE_STRENGTH,
        "calibration_split": {
            "file": str(STANCE_ROUND6_FILE.relative_to(DATA_DIR)),
            **metrics.report(calibration_targets, probabilities.argmax(axis=1), STANCE_LABELS),
        },
        "sure_from": sure_from,
        "sure_rule": (
            f"lowest confidence with round six's stances right {SURE_PRECISION:.0%} of the time "
            "(the 95 % Wilson lower bound, not the point estimate)"
        ),
        "sure_calibration_split": metrics.sure_figures(
            probabilities, calibration_targets, sure_from, STANCE_LABELS
        ),
        "languages": ["en"],
    }
    fit_short_temperature(head)
    return head


def fit_short_temperature(head: LinearHead) -> None:
    """The temperature for comments under SHORT_COMMENT_BELOW characters, fitted (least log-loss) on the
    short stance rows no head is fitted on: the head's own temperature, fitted on rows of 80-220
    characters, left one-liners overconfident (data/README.md has the rule that shipped it)."""
    rows = [row for row in rows_of(STANCE_SHORT_FILE) if len(row["text"]) < SHORT_COMMENT_BELOW]
    logits = head.logits(head.features(texts(rows)))
    targets = encode_labels([row["stance"] for row in rows], STANCE_LABELS)
    head.short_below = SHORT_COMMENT_BELOW
    head.short_temperature = fit_temperature(logits, targets)
    head.card["short_temperature_rule"] = (
        f"comments under {SHORT_COMMENT_BELOW} characters: least log-loss on "
        f"{STANCE_SHORT_FILE.relative_to(DATA_DIR)} ({len(rows)} rows, fitted by no head)"
    )


def _fit_stance(name, stance_files, dev_files, features_of, encoder_sha256, encoder_name) -> LinearHead:
    """A linear head: C chosen on dev (the English rows of ``dev_files``), refitted on train + dev;
    temperature and the sure threshold out of fold."""
    train = fitting_rows(stance_files, ("train",), HELD_OUT_STANCE)
    dev = fitting_rows(dev_files, ("dev",), HELD_OUT_STANCE)
    train_x, dev_x = features_of(texts(train)), features_of(texts(dev))
    train_y = encode_labels([row["stance"] for row in train], STANCE_LABELS)
    dev_y = encode_labels([row["stance"] for row in dev], STANCE_LABELS)
    strength, scores = choose_strength(train_x, train_y, dev_x, dev_y, STANCE_LABELS)

    features, targets = np.vstack([train_x, dev_x]), np.concatenate([train_y, dev_y])
    groups = [row["source"] for row in train + dev]
    logits = out_of_fold_logits(features, targets, groups, strength)
    temperature = fit_temperature(logits, targets)
    out_of_fold = metrics.softmax(logits / temperature)
    sure_from = metrics.sure_threshold(out_of_fold, targets, SURE_PRECISION)
    head = head_from(features, targets, strength, temperature)
    head.name, head.encoder_sha256 = name, encoder_sha256
    head.card = card_header(
        "stance of a comment on the North Korea poll (and parallel conflicts)",
        encoder_name,
        encoder_sha256,
        stance_files,
    )
    head.card["data"] |= {"train": len(train), "dev": len(dev)}
    head.card |= {
        "regularisation_C": strength,
        "dev_macro_f1_by_C": {str(key): round(value, 3) for key, value in scores.items()},
        "dev_split_from_train_only": _figures(
            head_from(train_x, train_y, strength, temperature), dev_x, dev_y
        ),
        "sure_from": sure_from,
        "sure_rule": (
            f"lowest confidence with out-of-fold stances right {SURE_PRECISION:.0%} of the time "
            "(the 95 % Wilson lower bound, not the point estimate)"
        ),
        "sure_out_of_fold": metrics.sure_figures(out_of_fold, targets, sure_from, STANCE_LABELS),
        "out_of_fold_by_language": _by_language(out_of_fold, targets, train + dev),
        "languages": ["en"],
    }
    return head


def _by_language(probabilities: np.ndarray, targets: np.ndarray, rows: list[dict]) -> dict:
    """Out-of-fold macro-F1 of each language's rows (English rows have no ``language`` column)."""
    languages = np.array([language_of(row) for row in rows])
    figures = {}
    for language in sorted(set(languages)):
        chosen = languages == language
        predicted = probabilities[chosen].argmax(axis=1)
        found = metrics.report(targets[chosen], predicted, STANCE_LABELS)
        figures[str(language)] = {"rows": int(chosen.sum()), "macro_f1": found["macro_f1"]}
    return figures


def head_from(features, targets, strength, temperature, network=False) -> LinearHead:
    """A stance head fitted on ``features``: linear (C ``strength``) or with a hidden layer (L2 strength)."""
    if not network:
        weights, bias = fit_linear(features, targets, strength)
        return LinearHead("candidate", STANCE_LABELS, weights, bias, temperature)
    fitted = fit_network(features, targets, strength)
    return LinearHead(
        "candidate",
        STANCE_LABELS,
        fitted.weights,
        fitted.bias,
        temperature,
        hidden_weights=fitted.hidden_weights,
        hidden_bias=fitted.hidden_bias,
    )


def _figures(head: LinearHead, features, targets) -> dict:
    probabilities = head.probabilities(features)
    predicted = np.argmax(probabilities, axis=1)
    figures = metrics.report(targets, predicted, head.labels)
    figures["expected_calibration_error"] = round(
        metrics.expected_calibration_error(probabilities, targets), 3
    )
    return figures


def choose_stance_languages(stance: LinearHead) -> list[str]:
    """English, and each other language whose out-of-fold stance reaches STANCE_LANGUAGE_MIN_F1; the
    multilingual dev split's figures are written beside it (they choose nothing: too few rows)."""
    dev = rows_of(MULTILINGUAL_FILE, "dev")
    features, sure_from = embed(texts(dev)), stance.card["sure_from"]

    def dev_figures(indices) -> dict:
        labels = [dev[index]["stance"] for index in indices]
        return {
            "rows": len(labels),
            "macro_f1": measure.stance_figures(stance, features[indices], labels, sure_from)["macro_f1"],
        }

    stance.card["multilingual_dev"] = measure.by_language(dev, features, dev_figures)
    out_of_fold = stance.card["out_of_fold_by_language"]
    chosen = [
        language
        for language in OTHER_LANGUAGES
        if language in out_of_fold and out_of_fold[language]["macro_f1"] >= STANCE_LANGUAGE_MIN_F1
    ]
    return [ENGLISH, *chosen]

"""Fit the tagger's heads on the labelled data, reproducibly.

    python -m poll.tagging.train            # stance and incivility heads
    python -m poll.tagging.train --report   # also print test-split figures
    python -m poll.tagging.train --curve tests/data/second_topic/car_free_centre.csv
    python -m poll.tagging.train --poll SLUG   # a poll's own head (runs `flask tagger train SLUG`)

The stance head is chosen on the dev split (regularisation strength) and
then refitted on train + dev; its temperature is fitted on out-of-fold
predictions grouped by source. The test split is only read for the report:
nothing is chosen by it. Each head is written to poll/tagging/models/ with
its model card (data sizes, per-class figures, confusion matrix, date,
encoder and its hash).
"""

import argparse
import sys
from datetime import date
from pathlib import Path

import numpy as np

from . import metrics
from .datasets import INCIVILITY_FILE, STANCE_FILE, off_topic_civil_texts, rows_of
from .encoder import ENCODER_NAME, MODEL_SHA256
from .features import comment_features as embed
from .heads import MODELS_DIR, LinearHead

STANCE_LABELS = ("military", "diplomacy", "neutral")
INCIVILITY_LABELS = ("civil", "uncivil")
STRENGTHS = (0.0625, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0)
SEED = 20261201
FOLDS = 5
MAX_FALSE_FLAGS = 0.05  # share of civil comments the uncivil flag may catch


def _logistic(strength: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=strength, max_iter=5000, class_weight="balanced", random_state=SEED)


def fit_linear(features: np.ndarray, targets: np.ndarray, strength: float) -> tuple[np.ndarray, np.ndarray]:
    model = _logistic(strength).fit(features, targets)
    return model.coef_.astype(np.float32), model.intercept_.astype(np.float32)


def out_of_fold_logits(features, targets, groups, strength: float) -> np.ndarray:
    """Each row's logits from a model that never saw its source."""
    from sklearn.model_selection import GroupKFold

    folds = GroupKFold(n_splits=FOLDS)
    width = len(np.unique(targets))
    logits = np.zeros((len(targets), 1 if width == 2 else width))
    for train_index, held_index in folds.split(features, targets, groups):
        weights, bias = fit_linear(features[train_index], targets[train_index], strength)
        logits[held_index] = features[held_index] @ weights.T + bias
    return logits


def fit_temperature(logits: np.ndarray, targets: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood (a grid is enough)."""
    best, best_loss = 1.0, np.inf
    for temperature in np.arange(0.3, 4.01, 0.05):
        loss = metrics.log_loss(metrics.softmax(logits / temperature), targets)
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return round(best, 2)


def choose_strength(train_x, train_y, dev_x, dev_y, labels) -> tuple[float, dict]:
    scores = {}
    for strength in STRENGTHS:
        weights, bias = fit_linear(train_x, train_y, strength)
        predicted = np.argmax(metrics.softmax(dev_x @ weights.T + bias), axis=1)
        scores[strength] = metrics.report(dev_y, predicted, labels)["macro_f1"]
    best = max(scores, key=lambda strength: (scores[strength], -strength))
    return best, scores


def encode_labels(values, labels) -> np.ndarray:
    return np.array([labels.index(value) for value in values])


def train_stance(report_test: bool) -> LinearHead:
    train, dev = rows_of(STANCE_FILE, "train"), rows_of(STANCE_FILE, "dev")
    train_x, dev_x = embed([row["text"] for row in train]), embed([row["text"] for row in dev])
    train_y = encode_labels([row["stance"] for row in train], STANCE_LABELS)
    dev_y = encode_labels([row["stance"] for row in dev], STANCE_LABELS)
    strength, scores = choose_strength(train_x, train_y, dev_x, dev_y, STANCE_LABELS)

    features, targets = np.vstack([train_x, dev_x]), np.concatenate([train_y, dev_y])
    groups = [row["source"] for row in train + dev]
    temperature = fit_temperature(out_of_fold_logits(features, targets, groups, strength), targets)
    weights, bias = fit_linear(features, targets, strength)
    head = LinearHead("stance-nk-minilm-1", STANCE_LABELS, weights, bias, temperature)
    head.card = {
        "task": "stance of a comment on the North Korea poll (and parallel conflicts)",
        "trained": date.today().isoformat(),
        "encoder": ENCODER_NAME,
        "encoder_sha256": MODEL_SHA256,
        "data": {"file": "tests/data/stance/stance.csv", "train": len(train), "dev": len(dev)},
        "regularisation_C": strength,
        "dev_macro_f1_by_C": {str(key): round(value, 3) for key, value in scores.items()},
        "dev_split_from_train_only": _figures(
            head_from(train_x, train_y, strength, temperature), dev_x, dev_y
        ),
    }
    if report_test:
        test = rows_of(STANCE_FILE, "test")
        test_x = embed([row["text"] for row in test])
        test_y = encode_labels([row["stance"] for row in test], STANCE_LABELS)
        head.card["test_split"] = {"rows": len(test), **_figures(head, test_x, test_y)}
    return head


def head_from(features, targets, strength, temperature) -> LinearHead:
    weights, bias = fit_linear(features, targets, strength)
    return LinearHead("candidate", STANCE_LABELS, weights, bias, temperature)


def _figures(head: LinearHead, features, targets) -> dict:
    probabilities = head.probabilities(features)
    predicted = np.argmax(probabilities, axis=1)
    figures = metrics.report(targets, predicted, head.labels)
    figures["expected_calibration_error"] = round(
        metrics.expected_calibration_error(probabilities, targets), 3
    )
    return figures


def train_incivility(report_test: bool) -> LinearHead:
    """Uncivil vs civil. The stance corpus's train and dev rows (restated public
    arguments, often angry and full of war words, none abusive) join as civil
    examples: without them short emphatic comments ("No more talks, respond
    with force!") read as uncivil. So do a slice of the VADER paper's review
    and editorial snippets: without them anything off the topic ("What a
    lovely sunny day") did. The threshold is set on the incivility set's own
    civil rows, out of fold."""
    written = rows_of(INCIVILITY_FILE, "train", "dev")
    arguments = rows_of(STANCE_FILE, "train", "dev")
    off_topic = off_topic_civil_texts()
    features = embed([row["text"] for row in written] + [row["text"] for row in arguments] + off_topic)
    targets = np.array([int(row["uncivil"]) for row in written] + [0] * (len(arguments) + len(off_topic)))
    groups = list(range(len(written))) + [row["source"] for row in arguments] + ["off-topic"] * len(off_topic)
    from_written = np.arange(len(targets)) < len(written)
    best = None
    for strength in STRENGTHS:
        logits = out_of_fold_logits(features, targets, groups, strength)
        positive = 1 / (1 + np.exp(-logits[:, 0]))
        threshold = metrics.threshold_for_false_positive_rate(
            positive[from_written], targets[from_written], MAX_FALSE_FLAGS
        )
        rates = metrics.flag_rates(positive[from_written] >= threshold, targets[from_written])
        if best is None or rates["caught"] > best[0]["caught"]:
            best = (rates, strength, logits)
    rates, strength, logits = best
    temperature = fit_temperature(np.hstack([np.zeros_like(logits), logits]), targets)
    positive = 1 / (1 + np.exp(-logits[:, 0] / temperature))
    threshold = metrics.threshold_for_false_positive_rate(
        positive[from_written], targets[from_written], MAX_FALSE_FLAGS
    )
    weights, bias = fit_linear(features, targets, strength)
    head = LinearHead("incivility-minilm-3", INCIVILITY_LABELS, weights, bias, temperature, threshold)
    head.card = {
        "task": "incivility: insults, slurs, dehumanising language, threats, harassment",
        "trained": date.today().isoformat(),
        "encoder": ENCODER_NAME,
        "encoder_sha256": MODEL_SHA256,
        "data": {
            "file": "tests/data/incivility/incivility.csv",
            "written_train": len(written),
            "civil_arguments_from_stance_train_and_dev": len(arguments),
            "civil_off_topic_vader_snippets": len(off_topic),
        },
        "regularisation_C": strength,
        "threshold_rule": (
            f"highest recall with at most {MAX_FALSE_FLAGS:.0%} of civil comments flagged, out of fold"
        ),
        "out_of_fold": metrics.flag_rates(positive[from_written] >= threshold, targets[from_written]),
    }
    if report_test:
        test = rows_of(INCIVILITY_FILE, "test")
        probability = head.probabilities(embed([row["text"] for row in test]))[:, 1]
        head.card["test_split"] = {
            "rows": len(test),
            **metrics.flag_rates(probability >= threshold, np.array([int(row["uncivil"]) for row in test])),
        }
    return head


POLL_HEAD_STRENGTH = 0.25  # the stance head's, chosen on its dev split
MIN_POLL_ROWS = 6
CALIBRATE_FROM_ROWS = 40  # fewer rows than this: too few out-of-fold predictions to fit a temperature


def poll_head_problem(stances: list[str], labels: tuple[str, ...]) -> str | None:
    """Why these labelled rows cannot make a head yet, in words; None when they can."""
    unknown = sorted(set(stances) - set(labels))
    if unknown:
        return f"Stances {unknown} are not among this poll's: {', '.join(labels)}."
    if len(stances) < MIN_POLL_ROWS:
        return f"{len(stances)} labelled comments so far; at least {MIN_POLL_ROWS} are needed."
    if len(set(stances)) < 2:
        return "Every labelled comment has the same stance: give examples for at least two."
    return None


def fit_poll_head(texts: list[str], stances: list[str], labels: tuple[str, ...], name: str) -> LinearHead:
    """A poll's own stance head from its example arguments and corrections.
    Raises ValueError when the rows cannot make a head (too few, one side only)."""
    problem = poll_head_problem(stances, labels)
    if problem:
        raise ValueError(problem)
    present = tuple(label for label in labels if label in stances)
    features, targets = embed(texts), encode_labels(stances, present)
    temperature = 1.0
    if len(texts) >= CALIBRATE_FROM_ROWS and min(np.bincount(targets)) >= FOLDS:
        logits = out_of_fold_logits(features, targets, list(range(len(texts))), POLL_HEAD_STRENGTH)
        temperature = fit_temperature(logits, targets)
    weights, bias = fit_linear(features, targets, POLL_HEAD_STRENGTH)
    if len(present) == 2:  # scikit-learn gives one row for two classes: make it a pair of logits
        weights, bias = np.vstack([-weights / 2, weights / 2]), np.concatenate([-bias / 2, bias / 2])
    head = LinearHead(name, present, weights, bias, temperature)
    head.card = {
        "task": "stance on one poll, from its admins' examples and moderators' corrections",
        "trained": date.today().isoformat(),
        "encoder": ENCODER_NAME,
        "encoder_sha256": MODEL_SHA256,
        "rows": len(texts),
        "rows_per_stance": {
            label: int(count) for label, count in zip(present, np.bincount(targets), strict=True)
        },
        "regularisation_C": POLL_HEAD_STRENGTH,
    }
    return head


CURVE_SIZES = (20, 50, 100)
CURVE_ORDERS = 5


def learning_curve(path, sizes=CURVE_SIZES, orders: int = CURVE_ORDERS) -> dict:
    """Macro-F1 on ``path``'s test split of a head fitted on the first N of its
    train + dev rows, in several random orders: what a new poll's head would
    reach after N moderator corrections. Labels are the file's own."""
    pool, test = rows_of(path, "train", "dev"), rows_of(path, "test")
    labels = tuple(sorted({row["stance"] for row in pool}))
    test_x = embed([row["text"] for row in test])
    pool_y = encode_labels([row["stance"] for row in pool], labels)
    test_y = encode_labels([row["stance"] for row in test], labels)
    figures = {}
    for size in (*sizes, len(pool)):
        scores = []
        for order in range(orders if size < len(pool) else 1):
            chosen = np.random.default_rng(SEED + order).permutation(len(pool))[:size]
            if len(np.unique(pool_y[chosen])) < len(labels):
                continue
            head = fit_poll_head(
                [pool[index]["text"] for index in chosen],
                [pool[index]["stance"] for index in chosen],
                labels,
                "curve",
            )
            predicted = np.array(
                [labels.index(head.labels[best]) for best in head.probabilities(test_x).argmax(axis=1)]
            )
            scores.append(metrics.report(test_y, predicted, labels)["macro_f1"])
        figures[size] = (round(float(np.mean(scores)), 3), round(min(scores), 3), round(max(scores), 3))
    return {"labels": labels, "test_rows": len(test), "macro_f1_mean_min_max": figures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--report", action="store_true", help="also measure on the test split (chooses nothing)"
    )
    parser.add_argument("--curve", metavar="FILE", help="only print macro-F1 after 20, 50, 100 rows of FILE")
    parser.add_argument(
        "--poll", metavar="SLUG", help="fit that poll's own head (same as `flask tagger train SLUG`)"
    )
    args = parser.parse_args(argv)
    if args.poll:
        # A poll's rows live in its database: the app's command reads them (this package knows no Flask).
        import subprocess

        command = [sys.executable, "-m", "flask", "--app", "wsgi", "tagger", "train", args.poll]
        return subprocess.call(command)  # noqa: S603 (a list, no shell: the slug stays one argument)
    if args.curve:
        print(learning_curve(Path(args.curve)))
        return 0
    for filename, trainer in (("stance.json", train_stance), ("incivility.json", train_incivility)):
        head = trainer(args.report)
        head.save(MODELS_DIR / filename)
        print(f"{filename}: {head.name}, temperature {head.temperature}")
        for key, value in head.card.items():
            if key not in ("task", "encoder", "encoder_sha256"):
                print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

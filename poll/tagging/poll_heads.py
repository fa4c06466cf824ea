"""A poll's own stance head, fitted from its admins' example arguments and its
moderators' corrections; and how far a new topic gets from few rows.

    python -m poll.tagging.training.train --curve data/second_topic/car_free_centre.csv
"""

from datetime import date

import numpy as np

from poll.tagging import metrics
from poll.tagging.encoder import ENCODER_NAME, MODEL_SHA256
from poll.tagging.features import comment_features as embed
from poll.tagging.fitting import FOLDS, SEED, encode_labels, fit_linear, fit_temperature, out_of_fold_logits
from poll.tagging.heads import LinearHead
from poll.tagging.training.datasets import rows_of
from poll.vocabulary import MIN_POLL_ROWS, NEVER_SURE, SURE_PRECISION, distinct_rows

POLL_HEAD_STRENGTH = 0.25  # the stance head's, chosen on its dev split
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
    """A poll's own stance head from its example arguments and corrections (each text once).
    Raises ValueError when the rows cannot make a head (too few, one side only)."""
    rows = distinct_rows(list(zip(texts, stances, strict=True)))
    texts, stances = [text for text, _ in rows], [stance for _, stance in rows]
    problem = poll_head_problem(stances, labels)
    if problem:
        raise ValueError(problem)
    present = tuple(label for label in labels if label in stances)
    features, targets = embed(texts), encode_labels(stances, present)
    temperature, sure_from = 1.0, NEVER_SURE
    if len(texts) >= CALIBRATE_FROM_ROWS and min(np.bincount(targets)) >= FOLDS:
        logits = out_of_fold_logits(features, targets, list(range(len(texts))), POLL_HEAD_STRENGTH)
        temperature = fit_temperature(logits, targets)
        sure_from = own_sure_threshold(metrics.softmax(logits / temperature), targets)
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
        # poll.vocabulary.own_sure_from reads it: each comment this head tags keeps it beside its stance.
        "sure_from": sure_from,
    }
    return head


def own_sure_threshold(out_of_fold: np.ndarray, targets: np.ndarray) -> float:
    """The lowest confidence from which the head's out-of-fold stances are right SURE_PRECISION of the
    time (the shipped heads' Wilson rule); NEVER_SURE where no confidence gets there."""
    found = metrics.sure_threshold(out_of_fold, targets, SURE_PRECISION)
    # sure_threshold answers 1.0 when nothing reaches the precision: a rounded 1.0 would still pass it.
    return found if found < 1.0 else NEVER_SURE


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

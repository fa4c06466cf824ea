"""Fitting linear heads: logistic regression, out-of-fold logits, temperature.

Shared by the shipped heads (``train``) and a poll's own head (``poll_heads``).
scikit-learn is imported only when something is fitted.
"""

import numpy as np

from poll.tagging import metrics

STRENGTHS = (0.0625, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0)
SEED = 20261201
FOLDS = 5


def _logistic(strength: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=strength, max_iter=5000, class_weight="balanced", random_state=SEED)


def fit_linear(
    features: np.ndarray, targets: np.ndarray, strength: float, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    model = _logistic(strength).fit(features, targets, sample_weight=weights)
    return model.coef_.astype(np.float32), model.intercept_.astype(np.float32)


def out_of_fold_logits(features, targets, groups, strength: float, weights=None) -> np.ndarray:
    """Each row's logits from a model that never saw its source."""
    from sklearn.model_selection import GroupKFold

    folds = GroupKFold(n_splits=FOLDS)
    width = len(np.unique(targets))
    logits = np.zeros((len(targets), 1 if width == 2 else width))
    for train_index, held_index in folds.split(features, targets, groups):
        fold_weights = None if weights is None else weights[train_index]
        coef, bias = fit_linear(features[train_index], targets[train_index], strength, fold_weights)
        logits[held_index] = features[held_index] @ coef.T + bias
    return logits


def fit_temperature(logits: np.ndarray, targets: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood (a grid is enough)."""
    best, best_loss = 1.0, np.inf
    for temperature in np.arange(0.3, 4.01, 0.05):
        loss = metrics.log_loss(metrics.softmax(logits / temperature), targets)
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return round(best, 2)


def encode_labels(values, labels) -> np.ndarray:
    return np.array([labels.index(value) for value in values])

"""Fitting heads: logistic regression, a one-hidden-layer network, out-of-fold logits, temperature.

Shared by the shipped heads (``train``) and a poll's own head (``poll_heads``); the tagger's heads run a
network through ``Network.logits``, the forward pass fitting uses. scikit-learn is imported only when
something is fitted.
"""

from typing import NamedTuple

import numpy as np

from poll.tagging import metrics

STRENGTHS = (0.0625, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0)
SEED = 20261201
FOLDS = 5


def _logistic(strength: float, solver: str = "lbfgs"):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=strength, solver=solver, max_iter=5000, class_weight="balanced", random_state=SEED
    )


def fit_linear(
    features, targets: np.ndarray, strength: float, weights: np.ndarray | None = None, solver: str = "lbfgs"
) -> tuple[np.ndarray, np.ndarray]:
    """Weights and bias of a logistic regression, classes balanced. ``features`` may be a SciPy sparse
    matrix: fitted by ``solver="liblinear"``, a million hashed columns take seconds (lbfgs, minutes)."""
    model = _logistic(strength, solver).fit(features, targets, sample_weight=weights)
    return model.coef_.astype(np.float32), model.intercept_.astype(np.float32)


class Network(NamedTuple):
    """One hidden layer of ReLU units, then a linear layer: what ``fit_network`` returns."""

    hidden_weights: np.ndarray  # (units, dimensions)
    hidden_bias: np.ndarray  # (units,)
    weights: np.ndarray  # (labels, units); one row for two labels
    bias: np.ndarray

    def logits(self, features: np.ndarray) -> np.ndarray:
        hidden = np.maximum(features @ self.hidden_weights.T + self.hidden_bias, 0.0)
        return hidden @ self.weights.T + self.bias


HIDDEN_UNITS = 256
NETWORK_STRENGTHS = (0.01, 1.0, 10.0)  # L2 penalty (scikit-learn's alpha): larger is simpler
NETWORK_EPOCHS = 80


def fit_network(features: np.ndarray, targets: np.ndarray, strength: float, weights=None) -> Network:
    """A one-hidden-layer network (scikit-learn's MLPClassifier, Adam), classes balanced as
    ``fit_linear`` balances them. The features are standardised while fitting, and the standardisation is
    folded into the first layer, so the tagger applies it to raw features."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.utils.class_weight import compute_sample_weight

    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-6
    balanced = compute_sample_weight("balanced", targets) * (1.0 if weights is None else weights)
    model = MLPClassifier(
        hidden_layer_sizes=(HIDDEN_UNITS,),
        alpha=strength,
        max_iter=NETWORK_EPOCHS,
        batch_size=128,
        random_state=SEED,
    )
    with warnings.catch_warnings():  # a fixed number of epochs, not convergence, is the stopping rule
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit((features - mean) / scale, targets, sample_weight=balanced)
    (first, second), (first_bias, second_bias) = model.coefs_, model.intercepts_
    return Network(
        (first / scale[:, None]).T.astype(np.float32),
        (first_bias - (mean / scale) @ first).astype(np.float32),
        second.T.astype(np.float32),
        second_bias.astype(np.float32),
    )


def out_of_fold_logits(
    features, targets, groups, strength: float, weights=None, network=False, solver: str = "lbfgs"
) -> np.ndarray:
    """Each row's logits from a model that never saw its source (a linear head, or with ``network`` a
    one-hidden-layer network)."""
    from sklearn.model_selection import GroupKFold

    folds = GroupKFold(n_splits=FOLDS)
    width = len(np.unique(targets))
    logits = np.zeros((len(targets), 1 if width == 2 else width))
    for train_index, held_index in folds.split(features, targets, groups):
        fold_weights = None if weights is None else weights[train_index]
        if network:
            fitted = fit_network(features[train_index], targets[train_index], strength, fold_weights)
            logits[held_index] = fitted.logits(features[held_index])
            continue
        coef, bias = fit_linear(features[train_index], targets[train_index], strength, fold_weights, solver)
        logits[held_index] = features[held_index] @ coef.T + bias
    return logits


def fit_temperature(logits: np.ndarray, targets: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood (a grid is enough). The grid reaches
    10: a head with a hidden layer is far more overconfident than a linear one, and one-liners read by it
    were best at 5.7, where a grid ending at 4 stopped."""
    best, best_loss = 1.0, np.inf
    for temperature in np.arange(0.3, 10.01, 0.05):
        loss = metrics.log_loss(metrics.softmax(logits / temperature), targets)
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return round(best, 2)


def encode_labels(values, labels) -> np.ndarray:
    return np.array([labels.index(value) for value in values])

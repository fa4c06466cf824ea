"""Fitting a head with a hidden layer: the network the tagger runs is the one scikit-learn fitted."""

import numpy as np
import pytest

from poll.tagging.fitting import HIDDEN_UNITS, NETWORK_EPOCHS, SEED, fit_network, out_of_fold_logits
from poll.tagging.metrics import softmax


def toy(rows=240, seed=3):
    """Three classes in 6 dimensions with scales far from 1 (the standardisation must be folded in)."""
    rng = np.random.default_rng(seed)
    targets = rng.integers(0, 3, size=rows)
    centres = rng.normal(size=(3, 6)) * 3
    features = (centres[targets] + rng.normal(size=(rows, 6))) * np.array([100, 0.01, 1, 5, 0.5, 20])
    return features.astype(np.float32), targets


def test_the_network_reads_raw_features_as_scikit_learn_read_standardised_ones():
    """The standardisation is folded into the first layer: on raw features the network gives the
    probabilities the fitted model gives on standardised ones."""
    from sklearn.neural_network import MLPClassifier
    from sklearn.utils.class_weight import compute_sample_weight

    features, targets = toy()
    network = fit_network(features, targets, 1.0)
    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-6
    model = MLPClassifier(
        hidden_layer_sizes=(HIDDEN_UNITS,),
        alpha=1.0,
        max_iter=NETWORK_EPOCHS,
        batch_size=128,
        random_state=SEED,
    )
    model.fit((features - mean) / scale, targets, sample_weight=compute_sample_weight("balanced", targets))
    expected = model.predict_proba((features - mean) / scale)
    assert np.allclose(softmax(network.logits(features)), expected, atol=1e-3)
    assert (network.logits(features).argmax(axis=1) == targets).mean() > 0.9


def test_two_labels_give_one_logit_as_the_linear_heads_do():
    features, targets = toy()
    binary = (targets == 0).astype(int)
    network = fit_network(features, binary, 1.0)
    assert network.weights.shape == (1, 256)
    assert network.logits(features).shape == (len(binary), 1)


def test_out_of_fold_network_logits_never_saw_their_rows_source():
    features, targets = toy(rows=150)
    groups = np.arange(len(targets)) // 10
    logits = out_of_fold_logits(features, targets, groups, 1.0, network=True)
    assert logits.shape == (150, 3)
    assert (logits.argmax(axis=1) == targets).mean() > 0.8


def test_an_n_gram_model_is_given_only_to_a_linear_head_with_one_temperature():
    """with_char_grams folds the stack into the head's linear weights: a hidden layer or a short
    temperature would be lost, so it refuses such a head before fitting anything."""
    from poll.tagging.heads import LinearHead
    from poll.tagging.training.incivility import Fitted, with_char_grams

    empty = np.zeros(0)
    fitted = Fitted([], empty, [], empty, empty, empty, np.zeros((0, 1)))
    layered = LinearHead(
        "layered", ("civil", "uncivil"), np.zeros((1, 3)), np.zeros(1),
        hidden_weights=np.zeros((3, 2)), hidden_bias=np.zeros(3),
    )  # fmt: skip
    short = LinearHead("short", ("civil", "uncivil"), np.zeros((1, 2)), np.zeros(1), short_below=40,
                       short_temperature=2.0)  # fmt: skip
    for head in (layered, short):
        with pytest.raises(ValueError, match="only a linear head"):
            with_char_grams(head, fitted, empty.astype(bool), 0.05)

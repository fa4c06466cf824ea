"""Figures of the fitted heads on labelled rows: what the model card reports.

Stance: macro-F1, F1 per class, the confusion matrix, the calibration error,
and coverage and precision at the "sure" threshold. Incivility: the share of
uncivil comments caught and of civil ones flagged. Both per language for the
multilingual set. Nothing here chooses anything: ``train`` does, on dev and
out of fold, before these are computed.
"""

from collections import defaultdict

import numpy as np

from poll.tagging import metrics
from poll.tagging.heads import LinearHead
from poll.tagging.training.datasets import (
    ENGLISH_READ_OUT_SPLITS,
    INCIVILITY_FILE,
    INCIVILITY_HOLDOUT_3_FILE,
    INCIVILITY_HOLDOUT_4_FILE,
    INCIVILITY_HOLDOUT_5_FILE,
    INCIVILITY_HOLDOUT_6_FILE,
    INCIVILITY_HOLDOUT_7_FILE,
    INCIVILITY_HOLDOUT_8_FILE,
    INCIVILITY_HOLDOUT_FILE,
    MULTILINGUAL_TEST_FILES,
    STANCE_FILE,
    STANCE_HOLDOUT_3_FILE,
    STANCE_HOLDOUT_4_FILE,
    STANCE_HOLDOUT_5_FILE,
    STANCE_HOLDOUT_6_FILE,
    STANCE_HOLDOUT_7_FILE,
    STANCE_HOLDOUT_FILE,
    STANCE_HOLDOUT_SHORT_FILE,
    language_of,
    rows_of,
    texts,
)
from poll.vocabulary import ENGLISH
from poll.vocabulary import STANCES as STANCE_LABELS

# The frozen test splits each head's card reports, by the key the card gives them.
STANCE_TEST_SPLITS = (
    ("test_split", STANCE_FILE),
    ("holdout_2", STANCE_HOLDOUT_FILE),
    ("holdout_3", STANCE_HOLDOUT_3_FILE),
    ("holdout_short", STANCE_HOLDOUT_SHORT_FILE),
    ("holdout_4", STANCE_HOLDOUT_4_FILE),
    ("holdout_5", STANCE_HOLDOUT_5_FILE),
    ("holdout_6", STANCE_HOLDOUT_6_FILE),
    ("holdout_7", STANCE_HOLDOUT_7_FILE),
)
INCIVILITY_TEST_SPLITS = (
    ("test_split", INCIVILITY_FILE),
    ("holdout_2", INCIVILITY_HOLDOUT_FILE),
    ("holdout_3", INCIVILITY_HOLDOUT_3_FILE),
    ("holdout_4", INCIVILITY_HOLDOUT_4_FILE),
    ("holdout_5", INCIVILITY_HOLDOUT_5_FILE),
    ("holdout_6", INCIVILITY_HOLDOUT_6_FILE),
    ("holdout_7", INCIVILITY_HOLDOUT_7_FILE),
    ("holdout_8", INCIVILITY_HOLDOUT_8_FILE),
)
# The other languages' frozen test splits: the card gives each per language and pooled ("all").
MULTILINGUAL_TEST_SPLITS = tuple(
    zip(
        (
            "multilingual_test",
            "multilingual_holdout_2",
            "multilingual_holdout_3",
            "multilingual_holdout_4",
            "multilingual_holdout_5",
            "multilingual_holdout_6",
            "multilingual_holdout_7",
            "multilingual_holdout_8",
        ),
        MULTILINGUAL_TEST_FILES,
        strict=True,
    )
)
# Every frozen test split the heads are measured on (tests/tagging/make_split_vectors.py stores its vectors).
FROZEN_TEST_FILES = (
    *(path for _, path in STANCE_TEST_SPLITS),
    *(path for _, path in INCIVILITY_TEST_SPLITS),
    *(path for _, path in MULTILINGUAL_TEST_SPLITS),
)


def stance_figures(
    head: LinearHead,
    features: np.ndarray,
    stances: list[str],
    sure_from: float,
    lengths: list[int] | None = None,
) -> dict:
    """With the texts' ``lengths``, short comments are read as the tagger reads them (the head's short
    temperature)."""
    targets = np.array([STANCE_LABELS.index(stance) for stance in stances])
    probabilities = head.probabilities(features, lengths)
    figures = {"rows": len(stances), **metrics.report(targets, probabilities.argmax(axis=1), STANCE_LABELS)}
    figures["expected_calibration_error"] = round(
        metrics.expected_calibration_error(probabilities, targets), 3
    )
    figures["sure"] = metrics.sure_figures(probabilities, targets, sure_from, STANCE_LABELS)
    return figures


def incivility_figures(
    head: LinearHead, features: np.ndarray, uncivil: list[int], languages: list[str] | None = None
) -> dict:
    """Insults caught and civil comments flagged, each row at its language's threshold (English's when
    ``languages`` is not given)."""
    probability = head.probabilities(features)[:, 1]
    thresholds = [head.threshold_for(language) for language in languages or [ENGLISH] * len(uncivil)]
    flagged = probability >= np.array(thresholds, dtype=float)
    return {"rows": len(uncivil), **metrics.flag_rates(flagged, np.array(uncivil))}


def by_language(rows: list[dict], features: np.ndarray, measure) -> dict:
    """``measure(row_indices)`` for each language of ``rows`` (column ``language``), and for all of
    them pooled (``all``)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        groups[language_of(row)].append(index)
    figures = {language: measure(np.array(indices)) for language, indices in sorted(groups.items())}
    figures["all"] = measure(np.arange(len(rows)))
    return figures


def multilingual_figures(
    stance: LinearHead,
    incivility: LinearHead,
    rows: list[dict],
    stance_features,
    incivility_features,
    sure_from,
):
    """Per language: stance figures and incivility rates of both heads on ``rows``, each reading its own
    features (the incivility head's have its n-gram model's score beside e5's)."""

    def measure(indices):
        chosen = [rows[index] for index in indices]
        return {
            "stance": stance_figures(
                stance, stance_features[indices], [row["stance"] for row in chosen], sure_from
            ),
            "incivility": incivility_figures(
                incivility,
                incivility_features[indices],
                [int(row["uncivil"]) for row in chosen],
                [row["language"] for row in chosen],
            ),
        }

    return by_language(rows, stance_features, measure)


def report(stance: LinearHead, english_stance: LinearHead, incivility: LinearHead) -> None:
    """Figures on every frozen test split, written into the heads' cards (chooses nothing). Each stance
    head's stances are counted as sure from its own threshold (``poll.vocabulary.uncertain_below``)."""
    for head in (stance, english_stance):
        _report_stance(head)
    for key, figures in report_incivility(stance, incivility).items():
        stance.card[key] = {language: found["stance"] for language, found in figures.items()}


def report_english_stance(english_stance: LinearHead) -> None:
    """The English head's figures on the stance test splits, refitted alone."""
    _report_stance(english_stance)


def _report_stance(head: LinearHead) -> None:
    sure_from = head.card["sure_from"]
    for key, path in STANCE_TEST_SPLITS:
        rows = rows_of(path, "test")
        labels = [row["stance"] for row in rows]
        lengths = [len(text) for text in texts(rows)]
        head.card[key] = stance_figures(head, head.features(texts(rows)), labels, sure_from, lengths)


def report_english_incivility(head: LinearHead) -> None:
    """The English incivility head's figures on the English incivility test splits, and the share of the
    short stance split's comments (civil, 20-90 characters) it flags."""
    _report_incivility_splits(head, ENGLISH_READ_OUT_SPLITS)
    short = rows_of(STANCE_HOLDOUT_SHORT_FILE, "test")
    flagged = incivility_figures(head, head.features(texts(short)), [0] * len(short))
    head.card["holdout_short_civil"] = {key: flagged[key] for key in ("rows", "false_flags")}


def report_incivility(stance: LinearHead, incivility: LinearHead) -> dict:
    """The incivility head's figures on its frozen test splits and the multilingual ones, written into its
    card; returns the multilingual figures (both heads', per language and pooled) by split, for ``report``."""
    _report_incivility_splits(incivility)
    found = {}
    for key, path in MULTILINGUAL_TEST_SPLITS:
        rows = rows_of(path, "test")
        found[key] = multilingual_figures(
            stance,
            incivility,
            rows,
            stance.features(texts(rows)),
            incivility.features(texts(rows)),
            stance.card["sure_from"],
        )
        incivility.card[key] = {language: each["incivility"] for language, each in found[key].items()}
    return found


def _report_incivility_splits(head: LinearHead, read_out=()) -> None:
    """``read_out``: the splits the head is fitted on (rule L), whose figures would say nothing."""
    for key, path in INCIVILITY_TEST_SPLITS:
        if path in read_out:
            continue
        rows = rows_of(path, "test")
        head.card[key] = incivility_figures(
            head, head.features(texts(rows)), [int(row["uncivil"]) for row in rows]
        )

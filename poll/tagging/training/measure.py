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
from poll.vocabulary import STANCES as STANCE_LABELS


def stance_figures(head: LinearHead, features: np.ndarray, stances: list[str], sure_from: float) -> dict:
    targets = np.array([STANCE_LABELS.index(stance) for stance in stances])
    probabilities = head.probabilities(features)
    figures = {"rows": len(stances), **metrics.report(targets, probabilities.argmax(axis=1), STANCE_LABELS)}
    figures["expected_calibration_error"] = round(
        metrics.expected_calibration_error(probabilities, targets), 3
    )
    figures["sure"] = metrics.sure_figures(probabilities, targets, sure_from, STANCE_LABELS)
    return figures


def incivility_figures(
    head: LinearHead, features: np.ndarray, uncivil: list[int], language: str = "en"
) -> dict:
    probability = head.probabilities(features)[:, 1]
    flagged = probability >= head.threshold_for(language)
    return {"rows": len(uncivil), **metrics.flag_rates(flagged, np.array(uncivil))}


def by_language(rows: list[dict], features: np.ndarray, measure) -> dict:
    """``measure(row_indices)`` for each language of ``rows`` (column ``language``)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        groups[row["language"]].append(index)
    return {language: measure(np.array(indices)) for language, indices in sorted(groups.items())}


def multilingual_figures(stance: LinearHead, incivility: LinearHead, rows: list[dict], features, sure_from):
    """Per language: stance figures and incivility rates of both heads on ``rows``."""

    def measure(indices):
        chosen = [rows[index] for index in indices]
        return {
            "stance": stance_figures(stance, features[indices], [row["stance"] for row in chosen], sure_from),
            "incivility": incivility_figures(
                incivility, features[indices], [int(row["uncivil"]) for row in chosen], chosen[0]["language"]
            ),
        }

    return by_language(rows, features, measure)

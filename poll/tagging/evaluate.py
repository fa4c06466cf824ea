"""Evaluate the stance tagger on a labelled CSV (columns ``text,stance``).

    python -m poll.tagging.evaluate tests/data/stance_holdout.csv [--errors]

Prints accuracy, macro-F1 and the confusion matrix (rows: true label,
columns: predicted label).
"""

import argparse
import csv
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .lexicon import DIPLOMACY, MILITARY, NEUTRAL
from .stance import classify_stance

LABELS = (MILITARY, DIPLOMACY, NEUTRAL)


@dataclass(frozen=True)
class Evaluation:
    total: int
    accuracy: float
    macro_f1: float
    per_label_f1: dict[str, float]
    confusion: dict[tuple[str, str], int]
    errors: list[tuple[str, str, str]]


def read_labelled(path: Path) -> list[tuple[str, str]]:
    """(text, stance) rows; refuses unknown labels rather than skipping them."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"text", "stance"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: expected columns 'text' and 'stance'")
        rows = []
        for line, row in enumerate(reader, start=2):
            stance = (row["stance"] or "").strip().lower()
            if stance not in LABELS:
                raise ValueError(f"{path}:{line}: unknown stance {row['stance']!r}")
            rows.append((row["text"], stance))
    return rows


def evaluate(rows: list[tuple[str, str]]) -> Evaluation:
    confusion: Counter = Counter()
    errors = []
    for text, truth in rows:
        predicted = classify_stance(text).stance
        confusion[truth, predicted] += 1
        if predicted != truth:
            errors.append((truth, predicted, text))
    f1 = {label: _f1(confusion, label) for label in LABELS}
    correct = sum(confusion[label, label] for label in LABELS)
    return Evaluation(
        total=len(rows),
        accuracy=correct / len(rows) if rows else 0.0,
        macro_f1=sum(f1.values()) / len(LABELS),
        per_label_f1=f1,
        confusion=dict(confusion),
        errors=errors,
    )


def _f1(confusion: Counter, label: str) -> float:
    true_positive = confusion[label, label]
    predicted = sum(confusion[truth, label] for truth in LABELS)
    actual = sum(confusion[label, guess] for guess in LABELS)
    if true_positive == 0:
        return 0.0
    precision, recall = true_positive / predicted, true_positive / actual
    return 2 * precision * recall / (precision + recall)


def format_report(result: Evaluation) -> str:
    width = max(len(label) for label in LABELS) + 2
    lines = [
        f"comments:  {result.total}",
        f"accuracy:  {result.accuracy:.3f}",
        f"macro-F1:  {result.macro_f1:.3f}",
        "F1 per label: " + ", ".join(f"{label} {value:.3f}" for label, value in result.per_label_f1.items()),
        "",
        "confusion (rows true, columns predicted):",
        " " * width + "".join(f"{label:>{width}}" for label in LABELS),
    ]
    for truth in LABELS:
        cells = "".join(f"{result.confusion.get((truth, guess), 0):>{width}}" for guess in LABELS)
        lines.append(f"{truth:<{width}}{cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="CSV with columns text,stance")
    parser.add_argument("--errors", action="store_true", help="also list misclassified comments")
    args = parser.parse_args(argv)
    try:
        result = evaluate(read_labelled(args.file))
    except (OSError, ValueError, csv.Error) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_report(result))
    if args.errors:
        print("\nmisclassified (true -> predicted):")
        for truth, predicted, text in result.errors:
            print(f"  {truth} -> {predicted}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

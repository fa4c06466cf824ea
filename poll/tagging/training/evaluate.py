"""Evaluate the stance tagger on a labelled CSV (columns ``text,stance``, optionally ``split``).

    python -m poll.tagging.training.evaluate data/stance/stance.csv --split test [--errors]

Prints accuracy, macro-F1, F1 per label, the confusion matrix (rows: true
label, columns: predicted label, "unknown" where the language was not
tagged) and the expected calibration error of the stance confidence.
"""

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from poll.tagging import UNKNOWN, tag_many
from poll.tagging.metrics import expected_calibration_error, report
from poll.vocabulary import DIPLOMACY, MILITARY, NEUTRAL

LABELS = (MILITARY, DIPLOMACY, NEUTRAL)
PREDICTED = (*LABELS, UNKNOWN)


@dataclass(frozen=True)
class Evaluation:
    total: int
    accuracy: float
    macro_f1: float
    per_label_f1: dict[str, float]
    confusion: list[list[int]]
    calibration_error: float
    errors: list[tuple[str, str, str]]


def read_labelled(path: Path, split: str | None = None) -> list[tuple[str, str]]:
    """(text, stance) rows; refuses unknown labels rather than skipping them."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"text", "stance"} <= set(reader.fieldnames):
            raise ValueError(f"{path}: expected columns 'text' and 'stance'")
        if split and "split" not in reader.fieldnames:
            raise ValueError(f"{path}: no 'split' column to choose {split!r} from")
        rows = []
        for line, row in enumerate(reader, start=2):
            stance = (row["stance"] or "").strip().lower()
            if stance not in LABELS:
                raise ValueError(f"{path}:{line}: unknown stance {row['stance']!r}")
            if split is None or row["split"] == split:
                rows.append((row["text"], stance))
    return rows


def evaluate(rows: list[tuple[str, str]]) -> Evaluation:
    tags = tag_many([text for text, _ in rows])
    truth = np.array([LABELS.index(stance) for _, stance in rows])
    predicted = np.array([PREDICTED.index(found.stance) for found in tags])
    # Calibration: the confidence of the label given against whether it was right.
    probabilities = np.zeros((len(rows), len(PREDICTED)))
    probabilities[np.arange(len(rows)), predicted] = [found.stance_confidence for found in tags]
    figures = report(truth, predicted, LABELS)
    errors = [
        (stance, found.stance, text)
        for (text, stance), found in zip(rows, tags, strict=True)
        if found.stance != stance
    ]
    return Evaluation(
        total=len(rows),
        accuracy=figures["accuracy"],
        macro_f1=figures["macro_f1"],
        per_label_f1=figures["f1"],
        confusion=figures["confusion"],
        calibration_error=round(expected_calibration_error(probabilities, truth), 3) if rows else 0.0,
        errors=errors,
    )


def format_report(result: Evaluation) -> str:
    width = max(len(label) for label in PREDICTED) + 2
    lines = [
        f"comments:  {result.total}",
        f"accuracy:  {result.accuracy:.3f}",
        f"macro-F1:  {result.macro_f1:.3f}",
        "F1 per label: " + ", ".join(f"{label} {value:.3f}" for label, value in result.per_label_f1.items()),
        f"expected calibration error: {result.calibration_error:.3f}",
        "",
        "confusion (rows true, columns predicted):",
        " " * width + "".join(f"{label:>{width}}" for label in PREDICTED),
    ]
    for label, counts in zip(LABELS, result.confusion, strict=False):
        cells = "".join(
            f"{count:>{width}}" for count in (list(counts) + [0] * len(PREDICTED))[: len(PREDICTED)]
        )
        lines.append(f"{label:<{width}}{cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="CSV with columns text,stance (and split)")
    parser.add_argument("--split", choices=("train", "dev", "test"), help="only the rows of this split")
    parser.add_argument("--errors", action="store_true", help="also list misclassified comments")
    args = parser.parse_args(argv)
    try:
        rows = read_labelled(args.file, args.split)
        if not rows:
            raise ValueError(
                f"{args.file}: no labelled rows" + (f" in split {args.split!r}" if args.split else "")
            )
        result = evaluate(rows)
    except (OSError, ValueError, csv.Error, UnicodeDecodeError) as error:
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

"""Fit the tagger's heads on the labelled data, reproducibly.

    python -m poll.tagging.training.train            # the stance heads and the incivility heads
    python -m poll.tagging.training.train --report   # also print test-split figures
    python -m poll.tagging.training.train --only incivility --report   # refit the e5 incivility head alone
    python -m poll.tagging.training.train --only stance --report       # the e5 stance head alone
    python -m poll.tagging.training.train --vectors instance/vectors     # keep vectors for the next run
    python -m poll.tagging.training.train --curve data/second_topic/car_free_centre.csv
    python -m poll.tagging.training.train --poll SLUG   # a poll's own head (runs `flask tagger train SLUG`)

How each head is fitted lives in ``stance`` and ``incivility``; the test splits are only read for the
report (``measure``): nothing is chosen by them. Each head is written to poll/tagging/models/ with its
model card (data sizes, per-class figures, confusion matrix, date, encoder and its hash).
"""

import argparse
import sys
from pathlib import Path

from poll.tagging.heads import MODELS_DIR, LinearHead, shipped_head
from poll.tagging.poll_heads import learning_curve
from poll.tagging.training import measure, vector_store
from poll.tagging.training.incivility import train_english_incivility, train_incivility
from poll.tagging.training.stance import choose_stance_languages, train_english_stance, train_stance


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--report", action="store_true", help="also measure on the test split (chooses nothing)"
    )
    parser.add_argument(
        "--only",
        choices=("stance", "incivility", "english-stance", "english-incivility"),
        help="refit that head alone; the other shipped heads stay as they are",
    )
    parser.add_argument(
        "--vectors",
        metavar="DIR",
        type=Path,
        help="read the encoders' vectors from DIR and write them back: a refit encodes only new strings",
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
    if args.vectors:
        print(f"vectors read from {args.vectors}: {vector_store.load(args.vectors)}")
    if args.only == "stance":
        stance = train_stance()
        stance.card["languages"] = choose_stance_languages(stance)
        if args.report:
            measure.report(stance, shipped_head("stance_en.json"), shipped_head("incivility.json"))
        heads: tuple[tuple[str, LinearHead], ...] = (("stance.json", stance),)
    elif args.only == "incivility":
        incivility = train_incivility()
        stance = shipped_head("stance.json")
        if args.report:
            measure.report_incivility(stance, incivility)
        heads = (("incivility.json", incivility),)
    elif args.only == "english-incivility":
        english_incivility = train_english_incivility()
        if args.report:
            measure.report_english_incivility(english_incivility)
        heads = (("incivility_en.json", english_incivility),)
    elif args.only == "english-stance":
        english_stance = train_english_stance()
        if args.report:
            measure.report_english_stance(english_stance)
        heads = (("stance_en.json", english_stance),)
    else:
        stance, english_stance, incivility = train_stance(), train_english_stance(), train_incivility()
        english_incivility = train_english_incivility()
        stance.card["languages"] = choose_stance_languages(stance)
        if args.report:
            measure.report(stance, english_stance, incivility)
            measure.report_english_incivility(english_incivility)
        heads = (
            ("stance.json", stance),
            ("stance_en.json", english_stance),
            ("incivility.json", incivility),
            ("incivility_en.json", english_incivility),
        )
    if args.vectors:
        print(f"vectors written to {args.vectors}: {vector_store.save(args.vectors)}")
    for filename, head in heads:
        head.save(MODELS_DIR / filename)
        print(f"{filename}: {head.name}, temperature {head.temperature}")
        for key, value in head.card.items():
            if key not in ("task", "encoder", "encoder_sha256"):
                print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

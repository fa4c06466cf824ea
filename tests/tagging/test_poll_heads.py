"""A poll's own stance head: the threshold from which its stances are shown as sure is its own, set out of
fold by the shipped heads' rule, or never where its rows cannot show one."""

import numpy as np

from poll.tagging import tag
from poll.tagging.poll_heads import fit_poll_head, own_sure_threshold
from poll.tagging.training.datasets import DATA_DIR, rows_of
from poll.vocabulary import NEVER_SURE

CAR_FREE = DATA_DIR / "second_topic" / "car_free_centre.csv"
LABELS = ("yes", "no", "neutral")


def predictions(confidences: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two-way probabilities with the first label at ``confidences``, and targets right where ``right``."""
    probabilities = np.column_stack([confidences, 1 - confidences])
    return probabilities, np.where(right, 0, 1)


def test_a_head_right_every_time_is_sure_from_its_least_confident_stance():
    confidences = np.linspace(0.6, 0.99, 200)
    threshold = own_sure_threshold(*predictions(confidences, np.ones(200, dtype=bool)))
    assert threshold == 0.6


def test_a_head_right_six_times_in_ten_is_never_sure():
    right = np.random.default_rng(3).random(200) < 0.6
    assert own_sure_threshold(*predictions(np.linspace(0.6, 0.99, 200), right)) == NEVER_SURE


def test_a_head_sure_only_where_its_most_confident_stances_are_right():
    confidences = np.linspace(0.51, 0.99, 300)
    right = (confidences >= 0.8) | (np.arange(300) % 2 == 0)  # right half the time below 0.8, always above
    threshold = own_sure_threshold(*predictions(confidences, right))
    assert 0.7 < threshold < 0.85
    above = confidences >= threshold
    assert right[above].mean() >= 0.9


def test_a_head_fitted_from_few_rows_is_never_sure_and_its_tags_say_so():
    rows = rows_of(CAR_FREE, "train")
    few = [row for label in LABELS for row in [r for r in rows if r["stance"] == label][:8]]
    head = fit_poll_head([row["text"] for row in few], [row["stance"] for row in few], LABELS, "car-free-1")
    assert head.card["sure_from"] == NEVER_SURE
    tags = tag("Close the centre to cars: the air would be cleaner.", head)
    assert tags.sure_from == NEVER_SURE and tags.sure_stance is None


def test_a_head_whose_rows_show_a_threshold_keeps_it_in_every_comments_tags():
    """Rows a head tells apart out of fold (two topics far apart) give it a threshold of its own."""
    places = [
        "Elm Street",
        "the old market",
        "Station Road",
        "the harbour front",
        "Mill Lane",
        "the high street",
    ]
    yes = [
        f"Close {place} to cars for good{end}" for place in places for end in (".", "!", ", please.", " now.")
    ]
    no = [
        f"My grandmother's {dish} recipe needs {spice}."
        for dish in ("soup", "stew", "curry", "pie", "bread", "cake")
        for spice in ("salt", "cumin", "thyme", "pepper")
    ]
    head = fit_poll_head(yes + no, ["yes"] * len(yes) + ["no"] * len(no), ("yes", "no"), "two-topics")
    threshold = head.card["sure_from"]
    assert 0.5 < threshold < 1.0
    on_topic = tag("Close the cathedral square to cars for good.", head)
    assert on_topic.sure_from == threshold and on_topic.sure_stance == "yes"
    shipped = tag("Close the cathedral square to cars for good.")
    assert shipped.sure_from is None  # the shipped heads: by language


def test_a_text_given_twice_counts_once_so_remembering_it_is_not_taken_for_being_right():
    """Out of fold, a copy of a held-out row in the fitted folds made a head right about 60 % of the time
    look sure: these 132 rows given twice set a threshold of 0.51, where once they never reach one. Each
    text counts once (case and spacing aside: poll.vocabulary.distinct_rows, tested there)."""
    rows = rows_of(CAR_FREE, "train")
    texts, stances = [row["text"] for row in rows], [row["stance"] for row in rows]
    once = fit_poll_head(texts, stances, LABELS, "once")
    twice = fit_poll_head(texts + texts, stances + stances, LABELS, "twice")
    assert twice.card["sure_from"] == once.card["sure_from"] == NEVER_SURE
    assert twice.card["rows"] == once.card["rows"] == len(rows)


def test_a_head_fitted_before_heads_had_a_threshold_is_never_sure():
    rows = rows_of(CAR_FREE, "train")
    head = fit_poll_head([row["text"] for row in rows], [row["stance"] for row in rows], LABELS, "old")
    del head.card["sure_from"]
    assert tag("Close the centre to cars.", head).sure_from == NEVER_SURE

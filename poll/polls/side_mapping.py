"""Which debate side a vote for each choice stands for, as the poll editor maps it: a side of its own,
neutral, or with another choice; and the debate column's heading for each side."""

from collections.abc import Sequence

from poll.polls.choice_plans import PlannedChoice
from poll.vocabulary import NEUTRAL, reads_as_no_position

# What the mapping holds for a choice that is a side of its own (its own key means the same).
OWN_SIDE = ""
SIDE_HEADING_MAX_LENGTH = 120


def default_side_heading(label: str) -> str:
    """The debate column's heading for a side whose editors left the heading blank."""
    return f"For: {label}"


def default_side(label: str, labels: Sequence[str]) -> str:
    """The side of a new choice whose editor has not mapped it, among the poll's ``labels``: neutral
    when the label takes no position ("Not sure", vocabulary.NO_POSITION_LABELS), so the debate opens
    no "For: Not sure" column; else a side of its own. Also a side of its own when neutral would leave
    fewer than two sides ("Yes / Not sure"), which the mapping refuses. The editor's choice wins."""
    sides_left = [other for other in labels if not reads_as_no_position(other)]
    return NEUTRAL if reads_as_no_position(label) and len(sides_left) >= 2 else OWN_SIDE


def resolved_side(key: str, side: str) -> str:
    """The side the choice ``key`` mapped to ``side`` stands for: its own key, "neutral" or another key."""
    return key if side in (OWN_SIDE, key) else side


def sides_problems(choices: Sequence[PlannedChoice], sides: dict[str, str]) -> dict[str, str]:
    """What is wrong with a side mapping (choice key -> "" for its own side, "neutral", or another
    choice's key), by choice key; under "" what is wrong with the mapping as a whole."""
    labels = {choice.key: choice.label for choice in choices}
    problems = {}
    for key, side in sides.items():
        if side not in (OWN_SIDE, NEUTRAL, *labels):
            problems[key] = "Choose one of the listed sides."
        elif side not in (OWN_SIDE, NEUTRAL, key) and resolved_side(side, sides.get(side, OWN_SIDE)) != side:
            problems[key] = (
                f"“{labels[side]}” stands with another side itself: choose a choice that is a side of "
                "its own."
            )
    resolved = {resolved_side(key, sides.get(key, OWN_SIDE)) for key in labels}
    if not problems and len(resolved - {NEUTRAL}) < 2:
        problems[""] = "At least two choices must stand for different sides."
    return problems


def side_groups(
    choices: Sequence[PlannedChoice], sides: dict[str, str], headings: dict[str, str]
) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """(debate heading, labels of the choices standing for it) for each side, and the labels of the
    neutral choices: the debate's columns as a mapping would open them."""
    side_of = {key: resolved_side(key, side) for key, side in sides.items()}
    groups = [
        (
            headings.get(choice.key) or default_side_heading(choice.label),
            [other.label for other in choices if side_of.get(other.key) == choice.key],
        )
        for choice in choices
        if side_of.get(choice.key) == choice.key != NEUTRAL
    ]
    neutral = [choice.label for choice in choices if side_of.get(choice.key) == NEUTRAL]
    return groups, neutral


def no_position_labels(choices: Sequence[PlannedChoice], sides: dict[str, str]) -> list[str]:
    """The labels of the neutral choices that take no position ("Not sure")."""
    return [
        choice.label
        for choice in choices
        if sides.get(choice.key) == NEUTRAL and reads_as_no_position(choice.label)
    ]

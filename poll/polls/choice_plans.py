"""The editor's choices, one label per line, planned against the stored ones: which stored choice (and
so which votes) each line keeps, the keys of new ones, and what is wrong with the plan."""

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from poll.database.models import Choice
from poll.polls.slugs import numbered, slugify

CHOICE_KEY_MAX_LENGTH = 40
CHOICE_LABEL_MAX_LENGTH = 200
MIN_CHOICES, MAX_CHOICES = 2, 10
# What a label made only of characters with no ASCII letter in them (Korean, emoji) becomes.
FALLBACK_KEY = "choice"


@dataclass(frozen=True)
class PlannedChoice:
    """One line of the editor's choices: its label and the key it is (or will be) stored under."""

    key: str
    label: str
    # The stored choice's label when the line keeps a stored choice (and its votes); None: a new choice.
    stored_label: str | None = None
    votes: int = 0

    @property
    def is_new(self) -> bool:
        return self.stored_label is None

    @property
    def is_renamed(self) -> bool:
        return self.stored_label is not None and self.stored_label != self.label

    @property
    def is_reworded(self) -> bool:
        """Renamed beyond a small edit while it has votes: saving makes those votes count for words
        their voters never chose, so the editor must confirm it."""
        stored = self.stored_label
        return (
            stored is not None
            and stored != self.label
            and self.votes > 0
            and not is_small_edit(stored, self.label)
        )


@dataclass(frozen=True)
class ChoicePlan:
    choices: list[PlannedChoice]
    # Stored choices that no line keeps: saving removes them (refused while they have votes).
    removed: list[Choice]


def _same_label(label: str) -> str:
    return " ".join(label.split()).casefold()


def _is_same_label(old: str, new: str) -> bool:
    return _same_label(old) == _same_label(new)


# How alike two words must be (difflib's ratio) for one to be a typo of the other: "Diplomcay" /
# "Diplomacy" is 0.89, "Colour" / "Color" 0.91. Short words must match exactly ("No" / "Now").
TYPO_RATIO = 0.75
TYPO_MIN_LENGTH = 4


def _words(label: str) -> list[str]:
    return re.findall(r"\w+", _same_label(label))


def _typo_of(old: str, new: str) -> bool:
    if old == new:
        return True
    if min(len(old), len(new)) < TYPO_MIN_LENGTH:
        return False
    return difflib.SequenceMatcher(None, old, new).ratio() >= TYPO_RATIO


def is_small_edit(old: str, new: str) -> bool:
    """Whether ``new`` keeps ``old``'s meaning as far as words can tell: one label's words run on
    inside the other's ("Yes" / "Yes, absolutely"), or the same words with typos corrected. Anything
    else ("Yes" / "No, never", "Option 1" / "Option 2", "Diplomatic talks" / "Diplomatic engagement")
    is a rewording."""
    old_words, new_words = _words(old), _words(new)
    shorter, longer = sorted((old_words, new_words), key=len)
    if shorter and any(
        longer[start : start + len(shorter)] == shorter for start in range(len(longer) - len(shorter) + 1)
    ):
        return True
    return len(old_words) == len(new_words) > 0 and all(map(_typo_of, old_words, new_words))


def plan_choices(labels: Sequence[str], stored: Sequence[Choice] = ()) -> ChoicePlan:
    """The keys for the editor's labels, one per line.

    A stored choice keeps its key (and so its votes) when its label is listed again, anywhere; or else
    when a small edit of it is (a corrected typo, words added: "Yes" / "Yes, absolutely"), anywhere, so
    reordering while rewording does not swap votes; or else when another label stands on its line (which
    ``choices_problem`` asks the editor to confirm when the choice has votes). Every other line gets a key
    made from its label (lower-case a-z, 0-9 and dashes, at most 40 characters, -2, -3 ... when taken).
    Keys of removed choices are not reused: an export or audit entry that named one should not come to
    mean another answer (and the new row would meet the old one in the same flush)."""
    kept: list[Choice | None] = [None] * len(labels)
    unmatched = list(stored)
    for matches in (_is_same_label, is_small_edit):  # the same label first, then a small edit of it
        for line, label in enumerate(labels):
            if kept[line] is None:
                match = next((choice for choice in unmatched if matches(choice.label, label)), None)
                if match is not None:
                    kept[line] = match
                    unmatched.remove(match)
    for line in range(len(labels)):
        if kept[line] is None and line < len(stored) and stored[line] in unmatched:
            kept[line] = stored[line]
            unmatched.remove(stored[line])
    taken = {choice.key for choice in stored}
    planned = []
    for label, choice in zip(labels, kept, strict=True):
        if choice is not None:
            planned.append(PlannedChoice(choice.key, label, choice.label, choice.vote_count))
            continue
        key = numbered(slugify(label, CHOICE_KEY_MAX_LENGTH) or FALLBACK_KEY, taken, CHOICE_KEY_MAX_LENGTH)
        taken.add(key)
        planned.append(PlannedChoice(key, label))
    return ChoicePlan(planned, unmatched)


def choices_problem(plan: ChoicePlan, rewording_confirmed: bool = False) -> str | None:
    """What is wrong with the planned choices, in words, or None. A choice with votes reworded beyond
    a small edit needs ``rewording_confirmed``: its votes would count for words their voters never saw."""
    seen: dict[str, int] = {}
    for line, choice in enumerate(plan.choices, start=1):
        if len(choice.label) > CHOICE_LABEL_MAX_LENGTH:
            return f"Line {line}: keep the label to {CHOICE_LABEL_MAX_LENGTH} characters."
        earlier = seen.setdefault(_same_label(choice.label), line)
        if earlier != line:
            return f"Line {line} repeats line {earlier} ({choice.label}): each choice needs its own label."
    if not MIN_CHOICES <= len(plan.choices) <= MAX_CHOICES:
        return f"A poll needs {MIN_CHOICES} to {MAX_CHOICES} choices, one per line."
    for removed in plan.removed:
        if removed.vote_count:
            return removed_with_votes(removed)
    if not rewording_confirmed:
        for line, choice in enumerate(plan.choices, start=1):
            if choice.is_reworded:
                votes = f"{choice.votes} vote{'s' if choice.votes != 1 else ''}"
                return (
                    f"Line {line} ({choice.label!r}) stands where {choice.stored_label!r} stood and would "
                    f"take its {votes}. Keep the label close to what voters chose, or tick "
                    "“The votes still mean this” below to confirm."
                )
    return None


def removed_with_votes(choice: Choice) -> str:
    """Why ``choice`` cannot be removed: it has votes."""
    return (
        f"The choice {choice.label!r} has votes, so it cannot be removed. To rename it, change its "
        "line where it stands."
    )

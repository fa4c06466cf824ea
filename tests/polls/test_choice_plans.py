"""The editor's choice lines planned against the stored choices: which line keeps which key (and votes),
and what counts as a small edit of a label rather than a rewording."""

from types import SimpleNamespace

import pytest

from poll.polls.choice_plans import is_small_edit, plan_choices


def test_a_removed_choices_key_is_not_given_to_a_new_one():
    stored_choices = [
        SimpleNamespace(key="yes", label="Yes", vote_count=0),
        SimpleNamespace(key="no", label="No", vote_count=0),
        SimpleNamespace(key="maybe", label="Maybe", vote_count=0),
    ]
    plan = plan_choices(["No", "Yes", "Perhaps", "Maybe not"], stored_choices)
    assert [(c.key, c.label, c.is_new, c.is_renamed) for c in plan.choices] == [
        ("no", "No", False, False),
        ("yes", "Yes", False, False),
        ("perhaps", "Perhaps", True, False),
        ("maybe", "Maybe not", False, True),  # Maybe's words run on in it, wherever it stands
    ]
    assert plan.removed == []
    plan = plan_choices(["No", "Yes", "Perhaps"], stored_choices)
    assert [(c.key, c.label, c.is_renamed) for c in plan.choices][2] == ("maybe", "Perhaps", True)  # its line
    # Labels match whatever their case and spacing.
    assert [c.key for c in plan_choices([" MAYBE", "yes", "no"], stored_choices).choices] == [
        "maybe",
        "yes",
        "no",
    ]
    # "Perhaps" (key maybe) is removed (Yes and No took their own lines back): a new line made from
    # "Maybe" gets another key.
    stored_choices[2].label = "Perhaps"
    plan = plan_choices(["Maybe", "Yes", "No"], stored_choices)
    assert [c.key for c in plan.choices] == ["maybe-2", "yes", "no"]
    assert [c.key for c in plan.removed] == ["maybe"]


@pytest.mark.parametrize(
    "old, new, small",
    [
        ("Yes", "Yes, absolutely", True),
        ("Stronger military response", "Military response", True),
        ("Diplomacy", "Diplomcay", True),
        ("Colour", "Color", True),
        ("Yes", "No, never", False),
        ("Option 1", "Option 2", False),
        ("No", "Now", False),
        ("Diplomatic talks", "Diplomatic engagement", False),
        ("찬성", "반대", False),
    ],
)
def test_a_small_edit_keeps_a_labels_words(old, new, small):
    assert is_small_edit(old, new) is small

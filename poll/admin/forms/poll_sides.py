"""The poll editor's side mapping: one row per planned choice, its side and its debate heading."""

from collections.abc import Sequence
from dataclasses import dataclass

from wtforms import Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from poll.database.models import Choice
from poll.polls.choice_plans import PlannedChoice
from poll.polls.side_mapping import OWN_SIDE, SIDE_HEADING_MAX_LENGTH, default_side
from poll.vocabulary import NEUTRAL
from poll.web.field_rules import (
    LimitWithoutCutting,
    no_format_characters,
    plain_text,
    single_value,
    strip_whitespace,
)


class SideForm(Form):
    """One choice's row of the poll editor's side mapping (inside PollForm, which carries the CSRF token)."""

    side = SelectField(validate_choice=False, validators=[single_value])
    heading = StringField(
        filters=[strip_whitespace],
        validators=[
            single_value,
            LimitWithoutCutting(SIDE_HEADING_MAX_LENGTH, "heading"),
            plain_text,
            no_format_characters,
        ],
    )


@dataclass
class SideRow:
    choice: PlannedChoice
    form: SideForm


def side_row(
    choice: PlannedChoice, planned: Sequence[PlannedChoice], stored: Choice | None, formdata
) -> SideRow:
    """The row for ``choice`` among the ``planned`` ones: what was submitted, else the ``stored``
    choice's side and heading, else the side a new choice starts on."""
    labels = [other.label for other in planned]
    default = {"side": (stored.side or OWN_SIDE) if stored else default_side(choice.label, labels)}
    default["heading"] = stored.side_heading if stored else ""
    if default["side"] == choice.key:
        default["side"] = OWN_SIDE
    form = SideForm(formdata=formdata, prefix=f"side-{choice.key}", data=default)
    form.side.label.text = f"Side of “{choice.label}”"
    if stored is None and default["side"] == NEUTRAL:
        form.side.description = f"“{choice.label}” reads as no position, so it starts as neutral."
    form.heading.label.text = f"Debate heading for “{choice.label}”"
    form.side.choices = [
        SelectChoice(OWN_SIDE, "A side of its own"),
        SelectChoice(NEUTRAL, "Neutral (neither side)"),
        *(SelectChoice(other.key, f"With “{other.label}”") for other in planned if other != choice),
    ]
    return SideRow(choice, form)


def mapped_sides(rows: Sequence[SideRow]) -> dict[str, str]:
    """Choice key -> "" (a side of its own), "neutral" or another choice's key, as the rows say."""
    sides = {}
    for row in rows:
        side = row.form.side.data or OWN_SIDE
        sides[row.choice.key] = OWN_SIDE if side == row.choice.key else side
    return sides

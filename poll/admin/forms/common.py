"""What several admin forms share: the bare button form (CSRF only) and the filters' base."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from poll.database.models import Poll
from poll.debate.moderation import REASON_MAX_LENGTH
from poll.web.field_rules import (
    LimitWithoutCutting,
    no_bidi_controls,
    plain_text,
    single_value,
    strip_whitespace,
)


class ButtonForm(FlaskForm):
    """CSRF only, for actions that are a button."""


# SQLite's OFFSET is a 64-bit integer: a page number past this could not even be
# asked of the database, and no list here comes near it.
LAST_ASKABLE_PAGE = 2**31


QUERY_TEXT_MAX_LENGTH = 200


def any_of(values, label=lambda value: value, anything: str = "Any") -> list[SelectChoice]:
    return [SelectChoice("", anything), *(SelectChoice(value, label(value)) for value in values)]


class FilterForm(FlaskForm):
    """A list's filters, read from the query string. No CSRF: a GET changes
    nothing. A value the form does not know is dropped rather than refused, so
    an old bookmark or a hand-edited address still opens the list."""

    class Meta:
        csrf = False

    page = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=LAST_ASKABLE_PAGE)])

    def __init__(self, args, **kwargs):
        super().__init__(formdata=args, **kwargs)

    def drop_unknown_values(self) -> "FilterForm":
        self.validate()
        for field in self:
            if field.errors:
                # raw_data too: a date field would otherwise show the bad text again.
                field.data, field.raw_data, field.errors = field.default, None, []
        return self

    def offer_polls(self, polls: list[Poll], anything: str) -> None:
        """The ``poll`` field's choices (the forms below have one); ``chosen_poll``
        then finds the chosen poll among them without asking the database again."""
        self._polls = {poll.slug: poll for poll in polls}
        self.poll.choices = [SelectChoice("", anything), *(SelectChoice(p.slug, p.title) for p in polls)]

    def chosen_poll(self) -> Poll | None:
        return self._polls.get(self.poll.data or "")

    def query_args(self) -> dict[str, str]:
        """The chosen filters for links to this list (the pager's), page aside."""
        return {
            field.name: field.data.isoformat() if isinstance(field.data, date) else str(field.data)
            for field in self
            if field.name != "page" and field.data not in (None, "")
        }


def trimmed_query(value: str | None) -> str:
    return (value or "").strip()[:QUERY_TEXT_MAX_LENGTH]


def reason_field(required_message: str) -> StringField:
    return StringField(
        "Reason",
        filters=[strip_whitespace],
        validators=[
            single_value,
            DataRequired(required_message),
            LimitWithoutCutting(REASON_MAX_LENGTH, "reason"),
            plain_text,
            no_bidi_controls,
        ],
    )

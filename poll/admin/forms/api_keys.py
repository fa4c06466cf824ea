"""An API key: its name and scope."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from poll.accounts.api_keys import name_problem
from poll.database.models import SCOPE_MODERATE, SCOPE_POLLS, SCOPE_READ
from poll.web.field_rules import single_value, strip_whitespace

SCOPE_LABELS = {
    SCOPE_READ: "read: polls, results and comments",
    SCOPE_POLLS: "polls: create, edit, close, reopen and feature polls (and read)",
    SCOPE_MODERATE: "moderate: approve, reject and flag comments (and read)",
}


def key_name_rule(name: str | None) -> None:
    """The key rules' own (poll.accounts.api_keys.name_problem), so the page and `flask apikey` agree."""
    problem = name_problem(name or "")
    if problem:
        raise ValidationError(problem)


class ApiKeyForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[strip_whitespace],
        description="What uses it, such as the graphics desk's results board.",
        validators=[single_value, lambda form, field: key_name_rule(field.data)],
    )
    scope = SelectField(
        "Scope",
        choices=[SelectChoice(value, label) for value, label in SCOPE_LABELS.items()],
        validators=[single_value],
    )

"""An API key: its name and scope."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from poll.database.models import API_KEY_NAME_MAX_LENGTH, SCOPE_MODERATE, SCOPE_POLLS, SCOPE_READ
from poll.web.field_rules import (
    LimitWithoutCutting,
    no_format_characters,
    plain_text,
    single_value,
    strip_whitespace,
)

SCOPE_LABELS = {
    SCOPE_READ: "read: polls, results and comments",
    SCOPE_POLLS: "polls: create, edit, close, reopen and feature polls (and read)",
    SCOPE_MODERATE: "moderate: approve, reject and flag comments (and read)",
}


class ApiKeyForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[strip_whitespace],
        description="What uses it, such as the graphics desk's results board.",
        validators=[
            single_value,
            DataRequired("Please give the key a name, such as the tool that will use it."),
            LimitWithoutCutting(API_KEY_NAME_MAX_LENGTH, "name"),
            plain_text,
            no_format_characters,
        ],
    )
    scope = SelectField(
        "Scope",
        choices=[SelectChoice(value, label) for value, label in SCOPE_LABELS.items()],
        validators=[single_value],
    )

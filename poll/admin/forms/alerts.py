"""Alerts: a webhook endpoint, and a moderator's own review digest."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from poll.alerts.events import EVENT_LABELS
from poll.database.models import DIGEST_DAILY, DIGEST_HOURLY, DIGEST_OFF, URL_MAX_LENGTH
from poll.web.field_rules import (
    LimitWithoutCutting,
    no_bidi_controls,
    no_format_characters,
    plain_text,
    single_value,
    strip_whitespace,
)

EMAIL_MAX_LENGTH = 254
DIGEST_LABELS = {
    DIGEST_OFF: "Off",
    DIGEST_HOURLY: "Every hour",
    DIGEST_DAILY: "Once a day, at the hour below",
}


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WebhookForm(FlaskForm):
    url = StringField(
        "Receiver URL",
        filters=[strip_whitespace],
        validators=[
            single_value,
            DataRequired("Please give the receiver's URL."),
            LimitWithoutCutting(URL_MAX_LENGTH, "URL"),
            plain_text,
        ],
        description="Where each event is POSTed as signed JSON, e.g. https://hooks.example.org/debate-poll.",
    )
    description = StringField(
        "Description (optional)",
        filters=[strip_whitespace, lambda value: value or ""],
        validators=[
            single_value,
            LimitWithoutCutting(100, "description"),
            plain_text,
            no_format_characters,
            no_bidi_controls,
        ],
        description="Who receives it, e.g. “Night desk Slack bridge”.",
    )
    events = CheckboxesField(
        "Events",
        choices=[SelectChoice(name, label) for name, label in EVENT_LABELS.items()],
        validators=[InputRequired("Please choose at least one event.")],
    )
    enabled = BooleanField("Enabled: send events to this URL", default=True)


def _email_shape(form: FlaskForm, field) -> None:
    """An address a mail server could take: one @, a name before it, a dotted domain after it."""
    value = field.data or ""
    if not value:
        return
    name, at, domain = value.rpartition("@")
    if not at or not name or "." not in domain.strip(".") or any(char.isspace() for char in value):
        raise ValidationError("Please give an email address such as desk@example.org.")
    if any(char in value for char in '<>,;"()[]\\'):
        raise ValidationError("Please give one plain address, without a name or brackets around it.")


class DigestForm(FlaskForm):
    email = StringField(
        "Email address",
        filters=[strip_whitespace],
        validators=[
            single_value,
            LimitWithoutCutting(EMAIL_MAX_LENGTH, "email address"),
            plain_text,
            _email_shape,
        ],
    )
    digest = SelectField(
        "Review digest",
        choices=[SelectChoice(value, label) for value, label in DIGEST_LABELS.items()],
        default=DIGEST_OFF,
        validators=[single_value],
    )
    digest_hour = IntegerField(
        "Hour of the daily digest (0–23)",
        validators=[Optional(), NumberRange(0, 23, "Please give an hour from 0 to 23.")],
    )

    def validate_email(self, field) -> None:
        if self.digest.data != DIGEST_OFF and not field.data:
            raise ValidationError("Please give the address the digest goes to.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # After the fields: Optional() ends the hour's own checks when it is left empty.
        if self.digest.data == DIGEST_DAILY and self.digest_hour.data is None and not self.digest_hour.errors:
            self.digest_hour.errors.append("Please choose the hour of the daily digest.")
            return False
        return valid

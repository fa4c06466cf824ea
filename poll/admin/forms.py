"""Forms of the admin pages."""

import re

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from ..forms import no_bidi_controls, no_format_characters, plain_text, single_value, strip_whitespace
from ..services.embedding import EmbedSiteError, parse_origins
from ..services.moderation import REASON_MAX_LENGTH
from ..tagging import STANCES

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CHOICE_KEY = re.compile(r"^[a-z0-9_-]{1,40}$")
MODERATION_LABELS = {"pre": "Pre-moderation: public once approved", "post": "Post-moderation: public at once"}
VISIBILITY_LABELS = {"after_vote": "After voting", "always": "Always, even before voting"}


class ButtonForm(FlaskForm):
    """CSRF only, for actions that are a button."""


class LoginForm(FlaskForm):
    username = StringField(
        "Name",
        filters=[strip_whitespace],
        validators=[DataRequired("Please enter your name."), Length(max=50)],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Please enter your password."), Length(max=200)]
    )


class ModerationForm(FlaskForm):
    action = SelectField(
        "Action",
        choices=[
            SelectChoice("approve", "Approve"),
            SelectChoice("reject", "Reject"),
            SelectChoice("flag", "Flag for a second look"),
        ],
        validators=[single_value],
    )
    reason = StringField(
        "Reason",
        filters=[strip_whitespace],
        validators=[
            single_value,
            Length(
                max=REASON_MAX_LENGTH, message=f"Please keep the reason to {REASON_MAX_LENGTH} characters."
            ),
            plain_text,
            no_bidi_controls,
        ],
    )


def void_reason_field(required_message: str) -> StringField:
    return StringField(
        "Reason",
        filters=[strip_whitespace],
        validators=[
            single_value,
            DataRequired(required_message),
            Length(
                max=REASON_MAX_LENGTH, message=f"Please keep the reason to {REASON_MAX_LENGTH} characters."
            ),
            plain_text,
            no_bidi_controls,
        ],
    )


def whole_number(value: str | None) -> int | None:
    """A hidden id as a number; anything else None (the view answers that the burst is unknown)."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


class VoidBurstForm(FlaskForm):
    """Void one burst listed on the dashboard, named by its first vote."""

    burst = HiddenField(filters=[whole_number], validators=[single_value])
    reason = void_reason_field("Please say why these votes should not count.")


class RestoreVotesForm(FlaskForm):
    reason = void_reason_field("Please say why these votes count again.")


class StanceForm(FlaskForm):
    stance = SelectField("Stance", choices=[SelectChoice(stance, stance.capitalize()) for stance in STANCES])


class PollForm(FlaskForm):
    slug = StringField(
        "Address (slug)",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Please give the poll an address."),
            Length(max=80),
            Regexp(
                SLUG_PATTERN, message="Use lower-case letters, digits and single dashes, like my-poll-2026."
            ),
        ],
    )
    title = StringField(
        "Title",
        filters=[strip_whitespace],
        validators=[DataRequired("Please give a title."), Length(max=200), plain_text, no_format_characters],
    )
    question = TextAreaField(
        "Question",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Please give the question."),
            Length(max=500),
            plain_text,
            no_format_characters,
        ],
    )
    summary = TextAreaField(
        "Summary (blank line between paragraphs)",
        filters=[strip_whitespace],
        validators=[Length(max=5000), plain_text, no_format_characters],
    )
    choices = TextAreaField(
        "Choices, one per line as key: label",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Please list the choices."),
            Length(max=3000),
            plain_text,
            no_format_characters,
        ],
    )
    opens_at = DateTimeLocalField(
        "Opens (UTC)", format="%Y-%m-%dT%H:%M", validators=[InputRequired("Please give an opening time.")]
    )
    closes_at = DateTimeLocalField("Closes (UTC, optional)", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    moderation_mode = SelectField(
        "Comments",
        choices=[SelectChoice(value, label) for value, label in MODERATION_LABELS.items()],
        validators=[single_value],
    )
    results_visibility = SelectField(
        "Results shown",
        choices=[SelectChoice(value, label) for value, label in VISIBILITY_LABELS.items()],
        validators=[single_value],
    )

    embed_origins = TextAreaField(
        "Sites that may embed this poll, one per line (besides EMBED_ORIGINS)",
        filters=[strip_whitespace],
        description="Like https://news.example; https://*.news.example admits its subdomains.",
        validators=[Length(max=2000), no_format_characters],
    )
    results_note = StringField(
        "Note under the results (blank for none)",
        filters=[strip_whitespace],
        validators=[Length(max=200), plain_text, no_format_characters],
    )

    def validate_choices(self, field) -> None:
        self.parsed_choices = parse_choices(field.data or "")

    def validate_embed_origins(self, field) -> None:
        try:
            self.parsed_embed_origins = parse_origins(field.data or "")
        except EmbedSiteError as error:
            raise ValidationError(str(error)) from None


def parse_choices(text: str) -> list[tuple[str, str]]:
    """``key: label`` lines into pairs; raises ValidationError saying what is wrong."""
    choices = []
    for number, line in enumerate((line.strip() for line in text.splitlines() if line.strip()), start=1):
        key, separator, label = line.partition(":")
        key, label = key.strip().lower(), label.strip()
        if not separator or not label:
            raise ValidationError(
                f"Line {number}: write it as key: label, for example diplomacy: Diplomatic engagement."
            )
        if not CHOICE_KEY.match(key):
            raise ValidationError(f"Line {number}: a key is 1 to 40 lower-case letters, digits, - or _.")
        if len(label) > 200:
            raise ValidationError(f"Line {number}: keep the label to 200 characters.")
        choices.append((key, label))
    keys = [key for key, _ in choices]
    if len(set(keys)) != len(keys):
        raise ValidationError("Each choice needs its own key.")
    if not 2 <= len(choices) <= 10:
        raise ValidationError("A poll needs 2 to 10 choices.")
    return choices


class StanceExamplesForm(FlaskForm):
    stance = SelectField(
        "Side", validators=[InputRequired(message="Choose the side these examples argue for.")]
    )
    examples = TextAreaField(
        "Example arguments, one per line",
        filters=[strip_whitespace],
        validators=[
            DataRequired(message="Write at least one example argument (one per line)."),
            Length(max=20_000, message="That is too much at once: at most 20,000 characters."),
            plain_text,
            no_bidi_controls,
        ],
    )


class BlockedWordForm(FlaskForm):
    phrase = StringField(
        "Word or phrase",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Please enter a word or phrase."),
            Length(max=100),
            plain_text,
            no_format_characters,
        ],
    )

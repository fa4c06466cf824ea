"""A look: the site's default, or one poll's own (every field may be left to the default)."""

from flask_wtf import FlaskForm
from wtforms import Field, SelectField, StringField, SubmitField, ValidationError

from poll.database.models import RADIUS_MAX
from poll.polls.look_css import COLOUR_HELP, FONT_LABELS, SCHEME_LABELS, parse_colour, parse_radius
from poll.polls.looks import LookError, LookFields
from poll.web.field_rules import single_value, strip_whitespace


def _colour(form: FlaskForm, field: Field) -> None:
    if field.data:
        try:
            parse_colour(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None


def _radius(form: FlaskForm, field: Field) -> None:
    if field.data:
        try:
            parse_radius(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None


def _blank(value: str | None) -> str:
    return strip_whitespace(value) or ""


class LookForm(FlaskForm):
    accent = StringField(
        "Accent colour on light pages",
        filters=[_blank],
        validators=[single_value, _colour],
    )
    accent_dark = StringField(
        "Accent colour on dark pages",
        filters=[_blank],
        validators=[single_value, _colour],
    )
    font = SelectField("Font", filters=[_blank], validators=[single_value])
    radius = StringField("Corner radius, in pixels", filters=[_blank], validators=[single_value, _radius])
    scheme = SelectField("Light or dark", filters=[_blank], validators=[single_value])
    preview = SubmitField("Preview")
    save = SubmitField("Save look")

    def __init__(self, *args, site: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        default = "Built in" if site else "The site's default"
        self.font.choices = [("", f"{default} (system text, serif headings)" if site else default)]
        self.font.choices += list(FONT_LABELS.items())
        self.scheme.choices = [("", f"{default} (light)" if site else default), *SCHEME_LABELS.items()]
        left = "Empty: the built-in value" if site else "Empty: the site's default"
        self.accent.description = (
            f"Buttons, links and the card's top rule, on light pages: {COLOUR_HELP}. Its text colour "
            f"is chosen for it; both are checked for WCAG AA contrast when saved. {left}."
        )
        self.accent_dark.description = (
            f"The same on dark pages (the dark and automatic schemes): {COLOUR_HELP}, light enough "
            f"to read on a near-black page. {left}."
        )
        self.radius.description = f"A whole number from 0 (square) to {RADIUS_MAX}. {left}."
        self.scheme.description = (
            "Automatic follows the reader's device setting (prefers-color-scheme): light or dark."
        )

    @property
    def wants_preview(self) -> bool:
        return bool(self.preview.data)

    def look_fields(self) -> LookFields:
        return LookFields(
            accent=parse_colour(self.accent.data) if self.accent.data else None,
            accent_dark=parse_colour(self.accent_dark.data) if self.accent_dark.data else None,
            font=self.font.data or None,
            radius=parse_radius(self.radius.data) if self.radius.data else None,
            scheme=self.scheme.data or None,
        )

    def refuse(self, error: LookError) -> None:
        """The service's reasons beside their fields."""
        for name, messages in error.problems.items():
            self[name].errors = [*self[name].errors, *messages]

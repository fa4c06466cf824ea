"""The stance model page's form: example arguments for one side of a poll."""

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from poll.web.field_rules import LimitWithoutCutting, no_bidi_controls, plain_text, strip_whitespace


class StanceExamplesForm(FlaskForm):
    """Example arguments, one per line, for the side ``stance`` (its choices are set per poll)."""

    stance = SelectField(
        "Side", validators=[InputRequired(message="Choose the side these examples argue for.")]
    )
    examples = TextAreaField(
        "Example arguments, one per line",
        filters=[strip_whitespace],
        validators=[
            DataRequired(message="Write at least one example argument (one per line)."),
            LimitWithoutCutting(20_000, "example arguments"),
            plain_text,
            no_bidi_controls,
        ],
    )

"""WTForms forms."""

from flask_wtf import FlaskForm
from wtforms import Field, RadioField
from wtforms.validators import InputRequired, ValidationError

from .models import Poll
from .services.voting import Ballot


def single_value(form: FlaskForm, field: Field) -> None:
    """A forged request can repeat a radio field; refuse rather than guess."""
    if field.raw_data and len(field.raw_data) > 1:
        raise ValidationError("Please choose only one answer.")


class VoteForm(FlaskForm):
    choice = RadioField(
        "Your answer",
        validators=[InputRequired(message="Please choose one of the answers."), single_value],
    )

    @classmethod
    def for_poll(cls, poll: Poll | Ballot, **kwargs) -> "VoteForm":
        form = cls(**kwargs)
        form.choice.choices = [(choice.key, choice.label) for choice in poll.choices]
        return form

"""The vote form, shared by the poll page and the embedded card."""

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.validators import InputRequired

from poll.database.models import Poll
from poll.polls.results import ResultsSnapshot
from poll.polls.voting import Ballot
from poll.web.field_rules import single_value


class VoteForm(FlaskForm):
    choice = RadioField(
        lazy_gettext("Your answer"),
        validators=[InputRequired(message=lazy_gettext("Please choose one of the answers.")), single_value],
    )

    @classmethod
    def for_poll(cls, poll: Poll | Ballot | ResultsSnapshot, **kwargs) -> "VoteForm":
        form = cls(**kwargs)
        form.choice.choices = [(choice.key, choice.label) for choice in poll.choices]
        return form

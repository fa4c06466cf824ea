"""Moderating comments: an action with its reason, a stance correction, a mute, the preset
reasons, blocked words, and the filters of the queue and of the audit log."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    SearchField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from poll.admin.forms.common import QUERY_TEXT_MAX_LENGTH, FilterForm, any_of, reason_field, trimmed_query
from poll.database.models import ALL_FLAGS, BLOCKED_BANNED, BLOCKED_SUSPECT, Poll
from poll.debate.moderation import ACTIONS as MODERATION_ACTIONS
from poll.debate.moderation import PRESET_MAX_LENGTH, REASON_MAX_LENGTH
from poll.debate.mutes import DURATION_LABELS
from poll.vocabulary import SENTIMENTS, STANCES, UNCERTAIN
from poll.web.field_rules import (
    LimitWithoutCutting,
    no_bidi_controls,
    no_format_characters,
    plain_text,
    single_value,
    strip_whitespace,
)

BLOCKED_KIND_LABELS = {
    BLOCKED_SUSPECT: "Suspect: flag for moderators, publish as usual",
    BLOCKED_BANNED: "Banned: hold for review, even on post-moderated polls",
}


class ModerationForm(FlaskForm):
    action = SelectField(
        "Action",
        choices=[SelectChoice(action.name, action.label) for action in MODERATION_ACTIONS.values()],
        validators=[single_value],
    )
    # A preset rejection reason; the view fills the choices from the current list.
    preset = SelectField(
        "Preset reason", choices=[SelectChoice("", "No preset")], default="", validators=[single_value]
    )
    reason = StringField(
        "Reason",
        filters=[strip_whitespace],
        validators=[
            single_value,
            LimitWithoutCutting(REASON_MAX_LENGTH, "reason"),
            plain_text,
            no_bidi_controls,
        ],
    )


class StanceForm(FlaskForm):
    stance = SelectField("Stance", choices=[SelectChoice(stance, stance.capitalize()) for stance in STANCES])


class BlockedWordForm(FlaskForm):
    phrase = StringField(
        "Word or phrase",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Please enter a word or phrase."),
            LimitWithoutCutting(100, "word or phrase"),
            plain_text,
            no_format_characters,
        ],
    )
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(value, label) for value, label in BLOCKED_KIND_LABELS.items()],
        default=BLOCKED_SUSPECT,
        validators=[single_value],
    )


class MuteForm(FlaskForm):
    reason = reason_field("Please say why this voter is muted.")
    duration = SelectField(
        "For",
        choices=[SelectChoice(value, label) for value, label in DURATION_LABELS.items()],
        default="1d",
        validators=[single_value],
    )


class RejectionReasonForm(FlaskForm):
    text = StringField(
        "Reason",
        filters=[strip_whitespace],
        validators=[
            single_value,
            DataRequired("Please write the reason."),
            LimitWithoutCutting(PRESET_MAX_LENGTH, "reason"),
            plain_text,
            no_format_characters,
        ],
    )


class QueueFilterForm(FilterForm):
    poll = SelectField("Poll", id="f-poll", default="")
    status = SelectField("Status", id="f-status", default="")
    # Sure stances only (a moderator's, or the tagger's where it is sure), or the unsure ones.
    stance = SelectField(
        "Stance", id="f-stance", default="", choices=[*any_of(STANCES), SelectChoice(UNCERTAIN, "uncertain")]
    )
    sentiment = SelectField("Tone (VADER)", id="f-sentiment", default="", choices=any_of(SENTIMENTS))
    flag = SelectField(
        "Flag", id="f-flag", default="", choices=any_of(ALL_FLAGS, lambda flag: flag.replace("_", " "))
    )
    q = SearchField(
        "Text", id="f-q", default="", filters=[trimmed_query], validators=[Length(max=QUERY_TEXT_MAX_LENGTH)]
    )
    comment = HiddenField(default="")

    def __init__(self, args, polls: list[Poll], status_choices: list[tuple[str, str]]):
        super().__init__(args)
        self.offer_polls(polls, "All polls")
        self.status.choices = [SelectChoice(value, label) for value, label in status_choices]


class AuditFilterForm(FilterForm):
    actor = SelectField("Who", id="a-actor", default="")
    action = SelectField("Action", id="a-action", default="")
    poll = SelectField("Poll", id="a-poll", default="")
    since = DateField("From", id="a-since", validators=[Optional()])
    until = DateField("To", id="a-until", validators=[Optional()])

    def __init__(self, args, polls: list[Poll], actors: list[str], actions: list[str]):
        super().__init__(args)
        self.actor.choices = any_of(actors, anything="Anyone")
        self.action.choices = any_of(actions)
        self.offer_polls(polls, "Any")

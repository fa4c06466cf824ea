"""The debate's forms: a comment or reply, and an author's appeal."""

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from poll.web.field_rules import (
    LimitWithoutCutting,
    no_bidi_controls,
    no_format_characters,
    plain_text,
    single_value,
    strip_whitespace,
    visible_when_given,
)

COMMENT_MAX_LENGTH = 2000
DISPLAY_NAME_MAX_LENGTH = 50


class CommentForm(FlaskForm):
    body = TextAreaField(
        lazy_gettext("Your comment"),
        filters=[strip_whitespace],
        validators=[
            single_value,
            DataRequired(message=lazy_gettext("Please write a comment before posting.")),
            LimitWithoutCutting(COMMENT_MAX_LENGTH, "comment"),
            plain_text,
            no_bidi_controls,
        ],
    )
    display_name = StringField(
        lazy_gettext("Display name (optional)"),
        filters=[strip_whitespace],
        validators=[
            single_value,
            LimitWithoutCutting(DISPLAY_NAME_MAX_LENGTH, "name"),
            plain_text,
            no_format_characters,
            visible_when_given,
        ],
    )


APPEAL_NOTE_MAX_LENGTH = 500


class AppealForm(FlaskForm):
    """The author's one appeal against a rejection: a short note for the moderators."""

    note = TextAreaField(
        lazy_gettext("Why should a moderator look again?"),
        filters=[strip_whitespace],
        validators=[
            single_value,
            DataRequired(
                message=lazy_gettext("Please say in a few words why the comment should be published.")
            ),
            LimitWithoutCutting(APPEAL_NOTE_MAX_LENGTH, "note"),
            plain_text,
            no_bidi_controls,
        ],
    )

"""WTForms forms."""

import re
import unicodedata

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from .models import Poll
from .services.voting import Ballot
from .text_rules import bidi_control_problem, format_character_problem

COMMENT_MAX_LENGTH = 2000
DISPLAY_NAME_MAX_LENGTH = 50

# Tags and event handlers: comments are plain text, and saying so beats
# silently storing markup that every page must then defuse.
MARKUP = re.compile(r"<\s*/?\s*[a-z!][^>]*>|\bjavascript\s*:|\bon[a-z]+\s*=", re.IGNORECASE)
# Unmistakable injection probes, not ordinary words like "select" or "drop".
SQL_PROBE = re.compile(
    r"('|\")\s*(or|and)\s+('?\d+'?\s*=\s*'?\d+|'[^']*'\s*=\s*')|;\s*(drop|delete|truncate|alter|insert|update)\s+"
    r"(table|from|into)\b|\bunion\s+(all\s+)?select\b|('|\")\s*;?\s*--",
    re.IGNORECASE,
)
ALLOWED_CONTROL = {"\n", "\r", "\t"}


def strip_whitespace(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def single_value(form: FlaskForm, field: Field) -> None:
    """A forged request can repeat a field; refuse rather than guess."""
    if field.raw_data and len(field.raw_data) > 1:
        raise ValidationError("Please send this field only once.")


def plain_text(form: FlaskForm, field: Field) -> None:
    """Refuse control characters, undecodable bytes, markup and injection probes."""
    value = field.data or ""
    if "\ufffd" in value:
        raise ValidationError("Some characters could not be read. Please retype the text and try again.")
    if any(unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROL for char in value):
        raise ValidationError("Please remove invisible control characters from the text.")
    if MARKUP.search(value):
        raise ValidationError("Comments are plain text: please remove HTML tags and scripts.")
    if SQL_PROBE.search(value):
        raise ValidationError("This looks like a database command rather than a comment. Please rephrase it.")


def no_format_characters(form: FlaskForm, field: Field) -> None:
    """Names and poll texts: no invisible format characters (see poll/text_rules.py)."""
    problem = format_character_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def no_bidi_controls(form: FlaskForm, field: Field) -> None:
    """Free text (comments, reasons): no direction overrides; joiners and marks are ordinary text."""
    problem = bidi_control_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


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


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Your comment",
        filters=[strip_whitespace],
        validators=[
            single_value,
            DataRequired(message="Please write a comment before posting."),
            Length(
                max=COMMENT_MAX_LENGTH,
                message=f"Please keep your comment to {COMMENT_MAX_LENGTH:,} characters or fewer.",
            ),
            plain_text,
            no_bidi_controls,
        ],
    )
    display_name = StringField(
        "Display name (optional)",
        filters=[strip_whitespace],
        validators=[
            single_value,
            Length(
                max=DISPLAY_NAME_MAX_LENGTH,
                message=f"Please keep your name to {DISPLAY_NAME_MAX_LENGTH} characters or fewer.",
            ),
            plain_text,
            no_format_characters,
        ],
    )

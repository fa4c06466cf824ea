"""Field rules every form shares: what a person may type into a text field.

Refuse only what cannot be stored or shown as written; never ordinary text for looking like code."""

import unicodedata

from babel.numbers import format_decimal
from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

from poll.web.languages import reader_locale
from poll.web.text_rules import bidi_control_problem, format_character_problem, has_visible_character

ALLOWED_CONTROL = {"\n", "\r", "\t"}


def strip_whitespace(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def single_value(form: FlaskForm, field: Field) -> None:
    """A forged request can repeat a field; refuse rather than guess."""
    if field.raw_data and len(field.raw_data) > 1:
        raise ValidationError(gettext("Please send this field only once."))


def plain_text(form: FlaskForm, field: Field) -> None:
    """Refuse only what cannot be stored or shown as written: undecodable bytes and control characters.

    Text that merely looks like markup or a database command ("<b>", "--", "onus=on") is
    ordinary writing: it is stored as typed, bound as a query parameter and shown autoescaped.
    """
    value = field.data or ""
    if "\ufffd" in value:
        raise ValidationError(
            gettext("Some characters could not be read. Please retype the text and try again.")
        )
    if any(unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROL for char in value):
        raise ValidationError(gettext("Please remove invisible control characters from the text."))


def no_format_characters(form: FlaskForm, field: Field) -> None:
    """Names and poll texts: no invisible format characters (see poll/web/text_rules.py)."""
    problem = format_character_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def visible_when_given(form: FlaskForm, field: Field) -> None:
    """A name that is given must show: U+3164 three times, or a line separator, renders as nothing."""
    if field.data and not has_visible_character(field.data):
        raise ValidationError(
            gettext(
                "Please use at least one visible letter, digit or symbol in your name, or leave it empty."
            )
        )


def no_bidi_controls(form: FlaskForm, field: Field) -> None:
    """Free text (comments, reasons): no direction overrides; joiners and marks are ordinary text."""
    problem = bidi_control_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def typed_length(field: Field) -> int:
    """Characters as the reader counts them: in a text area a line break is one, though the form
    sends it as CRLF (static/js/char-count.js counts the same way). A one-line field gets no line
    break from a browser, so it counts what was sent, which is what its column must hold."""
    text = field.data or ""
    return len(text.replace("\r\n", "\n")) if field.type == "TextAreaField" else len(text)


class LimitWithoutCutting:
    """At most ``most`` characters, refused with how long the text is, never cut.

    Unlike wtforms' Length it sets no ``maxlength`` flag: that attribute makes the browser drop
    whatever a paste puts past the limit, without a word, and a comment was posted mid-sentence.
    The text comes back whole beside this message instead. ``most`` is also what the form's
    ``data-limit`` (its live counter) and the ``max_length`` template filter read."""

    def __init__(self, most: int, what: str) -> None:
        self.max = most
        self.what = what

    def __call__(self, form: FlaskForm, field: Field) -> None:
        length = typed_length(field)
        if length > self.max:
            raise ValidationError(too_long_message(self.what, self.max, length))


def too_long_message(what: str, most: int, length: int) -> str:
    """A text past its limit; readers' fields (comment, name, note) are told in their language."""
    locale = reader_locale()
    figures = {"most": format_decimal(most, locale=locale), "length": format_decimal(length, locale=locale)}
    figures["over"] = format_decimal(length - most, locale=locale)
    if what == "comment":
        return gettext(
            "Please keep your comment to %(most)s characters or fewer: it has %(length)s, %(over)s too many. "
            "Nothing was cut, so you can shorten it here.",
            **figures,
        )
    if what == "name":
        return gettext(
            "Please keep your name to %(most)s characters or fewer: it has %(length)s, %(over)s too many. "
            "Nothing was cut, so you can shorten it here.",
            **figures,
        )
    if what == "note":
        return gettext(
            "Please keep your note to %(most)s characters or fewer: it has %(length)s, %(over)s too many. "
            "Nothing was cut, so you can shorten it here.",
            **figures,
        )
    return (  # the moderators' fields: English, as their pages are
        f"Please keep your {what} to {most:,} characters or fewer: it has {length:,}, "
        f"{length - most:,} too many. Nothing was cut, so you can shorten it here."
    )

"""Jinja filters every template may use."""

from zoneinfo import ZoneInfo

from babel.numbers import format_decimal, format_percent
from flask import Flask, current_app
from wtforms.validators import Length

from poll.admin.forms.moderation import ModerationForm
from poll.debate.forms import AppealForm, CommentForm
from poll.web.dates import format_moment, format_reader_moment
from poll.web.field_rules import LimitWithoutCutting
from poll.web.languages import reader_locale


def when(value, style: str = "long", local: bool = False) -> str:
    """``{{ poll.closes_at|when }}``: a time in one of dates.STYLES; ``local=True`` in the
    newsroom's zone (TIMEZONE, for its own pages, in English), else in UTC in the reader's language."""
    if local:
        return format_moment(value, style, ZoneInfo(current_app.config["TIMEZONE"]))
    return format_reader_moment(value, style, reader_locale())


def number(value) -> str:
    """``{{ count|number }}``: a number as the reader's language writes it ("1,234", "1 234")."""
    return format_decimal(value, locale=reader_locale())


def percent(value) -> str:
    """``{{ (row.percent / 100)|percent }}``: a share as the reader's language writes it ("42%", "42 %")."""
    return format_percent(value, locale=reader_locale())


def max_length(field) -> int:
    """``{{ CommentForm.body|max_length }}``: the longest text a form field's
    Length or LimitWithoutCutting validator accepts: a hand-written input's
    ``maxlength`` (fields rendered by WTForms get it from Length themselves),
    or the ``data-limit`` of a reader's field that is never cut."""
    # A form class holds unbound fields (their arguments in .kwargs); a form, bound ones.
    validators = field.kwargs.get("validators", ()) if hasattr(field, "kwargs") else field.validators
    limited = [check for check in validators if isinstance(check, Length | LimitWithoutCutting)]
    limits = [check.max for check in limited if check.max >= 0]
    if not limits:
        raise ValueError(f"{field!r} has no Length or LimitWithoutCutting validator with a maximum")
    return min(limits)


# Forms whose fields templates write by hand (several per page, each with its own id).
FORMS_FOR_TEMPLATES = {"CommentForm": CommentForm, "AppealForm": AppealForm, "ModerationForm": ModerationForm}


def register_template_filters(app: Flask) -> None:
    app.add_template_filter(when)
    app.add_template_filter(number)
    app.add_template_filter(percent)
    app.add_template_filter(max_length)
    app.jinja_env.globals.update(FORMS_FOR_TEMPLATES)

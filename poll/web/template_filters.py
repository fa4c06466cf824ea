"""Jinja filters every template may use."""

from zoneinfo import ZoneInfo

from flask import Flask, current_app
from wtforms.validators import Length

from poll.admin.forms.moderation import ModerationForm
from poll.debate.forms import AppealForm, CommentForm
from poll.web.dates import format_moment
from poll.web.field_rules import LimitWithoutCutting


def when(value, style: str = "long", local: bool = False) -> str:
    """``{{ poll.closes_at|when }}``: a time in one of dates.STYLES; ``local=True`` in the
    newsroom's zone (TIMEZONE, for its own pages), else in UTC (for readers anywhere)."""
    zone = ZoneInfo(current_app.config["TIMEZONE"]) if local else None
    return format_moment(value, style, zone)


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
    app.add_template_filter(max_length)
    app.jinja_env.globals.update(FORMS_FOR_TEMPLATES)

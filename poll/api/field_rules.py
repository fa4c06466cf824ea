"""The admin forms' field rules, run on JSON values: one rule for a field, whether typed into the
poll editor or sent to the API. A form's unbound field (``PollForm.title``) is read for its filters
and validators, which run on the value as they would on the form's field."""

from types import SimpleNamespace
from typing import Any

import marshmallow as ma
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, StopValidation, ValidationError

from poll.web.field_rules import LimitWithoutCutting, plain_text

# plain_text's rule as a JSON Schema pattern: no control character but tab and line breaks.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"


def form_field_check(unbound: UnboundField, value: str) -> tuple[str, list[str]]:
    """``value`` after the field's filters, and the messages of the rules it breaks (the first one
    that stops validation ends the list, as in the form)."""
    for keep in unbound.kwargs.get("filters", ()):
        value = keep(value)
    field = SimpleNamespace(
        data=value,
        raw_data=[value],
        errors=[],
        type=unbound.field_class.__name__,
        gettext=lambda text: text,
        ngettext=lambda one, many, n: one if n == 1 else many,
    )
    messages: list[str] = []
    for rule in unbound.kwargs.get("validators", ()):
        try:
            rule(None, field)
        except StopValidation as stop:
            return value, [str(stop)] if str(stop) else messages
        except ValidationError as error:
            messages.append(str(error))
    return value, messages


def described_limits(unbound: UnboundField, optional: bool) -> dict:
    """The rules' limits as JSON Schema says them (for the OpenAPI description)."""
    limits: dict = {}
    for rule in unbound.kwargs.get("validators", ()):
        if isinstance(rule, LimitWithoutCutting):
            limits["maxLength"] = rule.max
        if isinstance(rule, DataRequired) and not optional:
            limits["minLength"] = 1
        if rule is plain_text:
            limits["pattern"] = NO_CONTROL_CHARACTERS
    return limits


class FormRuleString(ma.fields.String):
    """A string checked by an admin form field's own rules (and cleaned by its filters)."""

    def __init__(self, unbound: UnboundField, optional: bool = False, **kwargs) -> None:
        kwargs["metadata"] = {**described_limits(unbound, optional), **kwargs.get("metadata", {})}
        super().__init__(**kwargs)
        self.unbound, self.optional = unbound, optional

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if self.optional and not text.strip():
            return ""
        cleaned, messages = form_field_check(self.unbound, text)
        if messages:
            raise ma.ValidationError(messages)
        return cleaned

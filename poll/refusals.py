"""Refusals: what a rule says no to, in words for the person, with the HTTP status that says why.

Services raise them and Flask answers them as it answers any HTTP error (the app's error page, or
a blueprint's own handler), so no view translates a service's error into a status of its own. A view
that can do better, such as drawing its form again with the reason beside a field, catches one.
"""

from flask_babel import LazyString
from werkzeug.exceptions import HTTPException


class Refused(HTTPException):
    """A request the rules refuse. ``str()`` is the message alone, as a person reads it."""

    def __init__(self, message: str | LazyString, status: int = 400) -> None:
        message = str(message)  # a catalog's message, in the language of the request refused
        super().__init__(description=message)
        self.code = status
        self.message = message

    @property
    def status(self) -> int:
        return self.code or 500  # always set by __init__; HTTPException declares it optional

    def __str__(self) -> str:
        return self.message

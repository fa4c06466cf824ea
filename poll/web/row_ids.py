"""Row ids as they come in addresses and forms: a number the database can hold, or none.

PostgreSQL's ``integer`` stops at 2**31 - 1 (SQLite's at 2**63 - 1): a larger
number bound to a query is a database error, not "no such row". Every id in a
route (``<id:comment_id>``) and in a form passes through here, so an id out of
range is a 404 or a refused form like any unknown one.
"""

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

MAX_ROW_ID = 2**31 - 1


def row_id(value: str | None) -> int | None:
    """``value`` as a row id, or None when it is not a whole number in range."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > len(str(MAX_ROW_ID)):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ROW_ID else None


class RowIdConverter(IntegerConverter):
    """``<id:name>`` in a route: a row id in range. A longer or larger number is
    answered 404 from here, where the path is read, so it never falls through to
    another rule of the same path (which answered 405). A method the route does not
    take is still 405, as for any id."""

    def to_python(self, value: str) -> int:
        number = row_id(value)
        if number is None:
            raise NotFound()
        return number

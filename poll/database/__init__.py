"""The database: models, column types, and the statements run on the driver's own cursor."""

from typing import Any, cast

from sqlalchemy.engine import CursorResult, Result


def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run through the session changed (``Session.execute`` is typed
    as returning a ``Result``; for a DML statement it is a ``CursorResult``, which counts them)."""
    return cast(CursorResult[Any], result).rowcount

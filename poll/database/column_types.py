"""Column types shared by the models and the migrations."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, String, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every engine.

    PostgreSQL keeps the zone; SQLite drops it, so values are stored as naive
    UTC and given their zone back when loaded.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# A time as UTC text, made by the database ------------------------------------


class utc_text(FunctionElement):  # noqa: N801 (an SQL function, named like SQLAlchemy's own)
    """``utc_text(column, layout)``: a UTC time column as text in one of
    ``UTC_TEXT_LAYOUTS``, written by the database itself, so that exports and
    charts need no per-row Python work. One construct compiled for each engine
    (``@compiles``) instead of a branch on the dialect wherever it is used.
    The layout is part of the statement's cache key (it is a literal column).
    """

    type = String()
    inherit_cache = True
    name = "utc_text"

    def __init__(self, column, layout: str):
        if layout not in UTC_TEXT_LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}: one of {', '.join(UTC_TEXT_LAYOUTS)}")
        super().__init__(column, literal_column(repr(layout)))


# name: (PostgreSQL to_char pattern, SQLite strftime pattern; None: the stored text as it is)
UTC_TEXT_LAYOUTS = {
    # ISO 8601 with milliseconds and Z: "2026-12-02T14:05:09.123Z"
    "iso_milliseconds": ('YYYY-MM-DD"T"HH24:MI:SS.MS"Z"', "%Y-%m-%dT%H:%M:%fZ"),
    # The layout SQLAlchemy writes into SQLite: "2026-12-02 14:05:09.123456"
    "stored": ("YYYY-MM-DD HH24:MI:SS.US", None),
    "hour": ("YYYY-MM-DD HH24:00", "%Y-%m-%d %H:00"),
    "day": ("YYYY-MM-DD", "%Y-%m-%d"),
}


def _column_and_layout(element, compiler, **kw) -> tuple[str, tuple]:
    column, layout = element.clauses.clauses
    return compiler.process(column, **kw), UTC_TEXT_LAYOUTS[layout.name.strip("'")]


@compiles(utc_text, "postgresql")
def _utc_text_postgresql(element, compiler, **kw) -> str:
    column, (pattern, _) = _column_and_layout(element, compiler, **kw)
    return f"to_char(timezone('UTC', {column}), '{pattern}')"


@compiles(utc_text)
def _utc_text_sqlite(element, compiler, **kw) -> str:
    """SQLite keeps UTC times as text already (poll.database.column_types.UTCDateTime)."""
    column, (_, pattern) = _column_and_layout(element, compiler, **kw)
    return column if pattern is None else f"strftime('{pattern}', {column})"

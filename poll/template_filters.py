"""Jinja filters every template may use."""

from zoneinfo import ZoneInfo

from flask import Flask, current_app

from .dates import format_moment


def when(value, style: str = "long", local: bool = False) -> str:
    """``{{ poll.closes_at|when }}``: a time in one of dates.STYLES; ``local=True`` in the
    newsroom's zone (TIMEZONE, for its own pages), else in UTC (for readers anywhere)."""
    zone = ZoneInfo(current_app.config["TIMEZONE"]) if local else None
    return format_moment(value, style, zone)


def register_template_filters(app: Flask) -> None:
    app.add_template_filter(when)

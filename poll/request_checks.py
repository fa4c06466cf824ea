"""Checks every request passes before a view sees it."""

from urllib.parse import parse_qsl

from flask import abort, request

UNREADABLE = (
    "Some characters could not be read (the text was not valid UTF-8). Please retype it and try again."
)
NULL_CHARACTER = "Null characters are not allowed in what you send. Please remove them and try again."


def reject_unreadable_input() -> None:
    """before_request: refuse null characters anywhere, and URL-encoded bodies
    that are not valid UTF-8.

    PostgreSQL cannot store or even compare text with a NUL, so one in a path,
    a query or a form would otherwise end as a database error. Werkzeug keeps
    undecodable escapes as literal text ("%FF"), which would then be stored;
    multipart bodies become U+FFFD, which the forms refuse.
    """
    reject_null_characters()
    if request.mimetype != "application/x-www-form-urlencoded":
        return
    body = request.get_data(cache=True, parse_form_data=False)
    if b"%00" in body or b"\x00" in body:
        abort(400, description=NULL_CHARACTER)
    try:
        parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        abort(400, description=UNREADABLE)


def reject_null_characters() -> None:
    """before_request: a null character in the path or query is a clear 400."""
    if "\x00" in request.path or b"%00" in request.query_string:
        abort(400, description=NULL_CHARACTER)

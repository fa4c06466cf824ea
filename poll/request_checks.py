"""Checks every request passes before a view sees it."""

from urllib.parse import parse_qsl

from flask import abort, request

UNREADABLE = (
    "Some characters could not be read (the text was not valid UTF-8). Please retype it and try again."
)


def reject_undecodable_forms() -> None:
    """before_request: refuse URL-encoded bodies that are not valid UTF-8.

    Werkzeug keeps undecodable escapes as literal text ("%FF"), which would
    then be stored; multipart bodies become U+FFFD, which the forms refuse.
    """
    if request.mimetype != "application/x-www-form-urlencoded":
        return
    body = request.get_data(cache=True, parse_form_data=False)
    try:
        parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        abort(400, description=UNREADABLE)

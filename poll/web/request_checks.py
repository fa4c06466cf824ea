"""Checks every request passes before a view sees it."""

import io
from urllib.parse import parse_qsl

from flask import abort, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import get_content_length

UNREADABLE = (
    "Some characters could not be read (the text was not valid UTF-8). Please retype it and try again."
)
NULL_CHARACTER = "Null characters are not allowed in what you send. Please remove them and try again."
FILES_REFUSED = "This service takes typed text only: files are not accepted. Please type or paste the text."


def reject_unreadable_input() -> None:
    """before_request: refuse null characters anywhere, and URL-encoded bodies
    that are not valid UTF-8.

    PostgreSQL cannot store or even compare text with a NUL, so one in a path,
    a query or a form would otherwise end as a database error. Werkzeug keeps
    undecodable escapes as literal text ("%FF"), which would then be stored;
    multipart bodies become U+FFFD, which the forms refuse.
    """
    reject_oversized_stream()
    reject_null_characters()
    reject_files()
    if request.mimetype != "application/x-www-form-urlencoded":
        return
    body = request.get_data(cache=True, parse_form_data=False)
    if b"%00" in body or b"\x00" in body:
        abort(400, description=NULL_CHARACTER)
    try:
        parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        abort(400, description=UNREADABLE)


def reject_files() -> None:
    """before_request: no form here takes a file, and a text field sent as a file
    part (``body``, ``reason``...) would reach its form as an object, not text."""
    if request.mimetype == "multipart/form-data" and request.files:
        abort(400, description=FILES_REFUSED)


def reject_null_characters() -> None:
    """before_request: a null character in the path or query is a clear 400."""
    if "\x00" in request.path or b"%00" in request.query_string:
        abort(400, description=NULL_CHARACTER)


def reject_oversized_stream() -> None:
    """before_request: a body sent without a length (chunked) over
    MAX_CONTENT_LENGTH is a 413, as one with a length is.

    Werkzeug reads such a body up to the limit and stops there without an error
    (it cannot tell a body of exactly the limit from a longer one), so a form
    saw a truncated body and answered 400. This reads one byte more than the
    limit: more is too large; otherwise the body goes on, read in full. Only
    bodies the server has de-chunked and ended (``wsgi.input_terminated``, set
    by gunicorn and werkzeug) are read: any other stream without a length may
    never end, and werkzeug reads none of it.
    """
    limit = request.max_content_length
    environ = request.environ
    # get_content_length ignores Content-Length beside "Transfer-Encoding: chunked", as HTTP says to.
    if limit is None or get_content_length(environ) is not None or not environ.get("wsgi.input_terminated"):
        return
    stream, parts, size = environ["wsgi.input"], [], 0
    while size <= limit:
        part = stream.read(limit + 1 - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    if size > limit:
        raise RequestEntityTooLarge()
    environ["wsgi.input"] = io.BytesIO(b"".join(parts))

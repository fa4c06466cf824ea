"""The API's blueprint: every call needs a live key (poll.api.auth); every error is JSON."""

from flask import Response
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from poll.api.auth import authenticate
from poll.api.errors import COMMON_ERRORS, ErrorSchema, api_error

bp = Blueprint(
    "api_v1", __name__, url_prefix="/api/v1", description="Polls and comments, for a newsroom's tools."
)
bp.before_request(authenticate)
bp.register_error_handler(HTTPException, api_error)


@bp.after_request
def never_store(response: Response) -> Response:
    """Answers are drawn for one key: no shared cache may keep them."""
    response.headers["Cache-Control"] = "no-store"
    return response


ERROR_DESCRIPTIONS = {
    400: "The request could not be read (not JSON, say)",
    401: "No key, or not a live one",
    403: "The key's scope does not allow this",
    404: "Nothing at this address",
    409: "In conflict with what is stored (a taken slug, a poll already closed)",
    413: "The body is over 64 KiB",
    422: "A field was not accepted: see errors",
    429: "Too many requests with this key: see Retry-After",
}


def documented_errors(*extra: int):
    """Document the errors an operation can answer (those of every operation, and ``extra``)."""

    def decorate(view):
        for code in sorted({*COMMON_ERRORS, *extra}, reverse=True):
            view = bp.alt_response(code, schema=ErrorSchema, description=ERROR_DESCRIPTIONS[code])(view)
        return view

    return decorate

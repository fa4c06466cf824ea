"""The API's errors: always JSON ``{"code", "status", "message", "errors": {field: [messages]}}``."""

from typing import Any

import marshmallow as ma
from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

from poll.web.errors import roll_back_refusal

# The statuses every operation may answer besides its own (documented on each).
COMMON_ERRORS = (400, 401, 403, 404, 422, 429)
# webargs files its messages under the request part they came from; callers need only the field.
LOCATIONS = ("json", "query", "querystring", "headers", "path", "view_args", "form", "files")


class ErrorSchema(ma.Schema):
    code = ma.fields.Integer(required=True, metadata={"description": "The HTTP status"})
    status = ma.fields.String(required=True, metadata={"description": "The status's name"})
    message = ma.fields.String(required=True, metadata={"description": "What went wrong, in words"})
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        required=True,
        metadata={"description": "Messages by field (dotted when nested); empty when no field is to blame"},
    )


def field_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs' and marshmallow's nested messages as {"field.sub": [messages]}."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for name, inner in messages.items():
            name = str(name)
            path = prefix if (not prefix and name in LOCATIONS) else (f"{prefix}.{name}" if prefix else name)
            for key, values in field_messages(inner, path).items():
                flat.setdefault(key, []).extend(values)
        return flat
    if isinstance(messages, list | tuple):
        if all(isinstance(item, str) for item in messages):
            return {prefix or "_request": list(messages)}
        flat = {}
        for item in messages:
            for key, values in field_messages(item, prefix).items():
                flat.setdefault(key, []).extend(values)
        return flat
    return {prefix or "_request": [str(messages)]}


def api_error(error: HTTPException) -> Response:
    """Any HTTP error inside the API, as JSON (registered on the API's blueprint)."""
    roll_back_refusal(error)
    data = getattr(error, "data", None) or {}
    code = error.code or 500
    errors = field_messages(data.get("errors") or data.get("messages") or {})
    message = data.get("message") or error.description or error.name
    if code == 422 and "message" not in data:
        message = "Some fields were not accepted: see errors."
    if code == 429:
        message = "Too many requests with this key. Please wait and try again (see Retry-After)."
    response = jsonify(code=code, status=error.name, message=str(message), errors=errors)
    response.status_code = code
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response

"""The admin blueprint and its access rules: login for everything, admin role for some."""

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, request, url_for
from flask_login import current_user

from ..extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")

PUBLIC_ENDPOINTS = {"admin.login"}


@bp.before_request
def require_login():
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def admin_required(view):
    """Admin-only pages: 403 for moderators."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403, description="Only admins can use this page.")
        return view(*args, **kwargs)

    return wrapper


def safe_next(target: str | None, default_endpoint: str = "admin.queue") -> str:
    """Only same-site paths: never an open redirect to another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for(default_endpoint)

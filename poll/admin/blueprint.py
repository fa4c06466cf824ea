"""The admin blueprint and its access rules: login for everything, admin role for some."""

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, request, url_for
from flask_login import current_user

from poll.database.models import Comment
from poll.extensions import db, login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")

PUBLIC_ENDPOINTS = {"admin.login"}


@bp.before_request
def require_login():
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.after_request
def never_store(response):
    """Moderation pages show private data: no browser or proxy may keep a copy
    (the back button after logout, a shared computer, a caching proxy)."""
    response.headers["Cache-Control"] = "no-store"
    return response


def admin_required(view):
    """Admin-only pages: 403 for moderators."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403, description="Only admins can use this page.")
        return view(*args, **kwargs)

    return wrapper


def is_same_site_path(target: str) -> bool:
    """A path on this site that can go into a Location header as it is.

    Invisible characters are refused, not cleaned: CR/LF cannot go into a
    header at all (werkzeug raises, after the action was saved), and browsers
    drop tabs and newlines and read a backslash as a slash, so "/\\evil" or
    "/<tab>/evil" would lead to another host.
    """
    if not target.startswith("/") or target.startswith("//") or "\\" in target or not target.isprintable():
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default_endpoint: str = "admin.queue") -> str:
    """Only same-site paths: never an open redirect to another host, and
    never a header that cannot be sent; anything else is the default page."""
    if target and is_same_site_path(target):
        return target
    return url_for(default_endpoint)


def comment_or_404(comment_id: int) -> Comment:
    """The comment an admin action names, or a 404 page."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404, description="There is no such comment.")
    return comment

"""Logging in and out."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from poll.accounts import audit, moderators, sessions
from poll.admin.blueprint import bp, safe_next
from poll.admin.forms.accounts import LoginForm
from poll.admin.forms.common import ButtonForm
from poll.database.column_types import utcnow
from poll.database.models import Moderator
from poll.extensions import db, limiter, login_manager

FAILED_LOGIN = 401


@login_manager.user_loader
def load_moderator(session_id: str) -> Moderator | None:
    """Flask-Login's user loader: the cookie counts only while its server-side session is open."""
    return sessions.load(session_id, utcnow(), current_app.config["PERMANENT_SESSION_LIFETIME"])


def account_from_address_key() -> str:
    """Failed logins count per account *and* address: five wrong passwords
    from one address lock that address out of that account, while the owner
    logging in from an address that has not failed still gets through (a
    lock any stranger could set from anywhere would be a denial of service).
    Guessing from many addresses is bounded by the per-address limit on every
    address and by passwords of at least 12 characters."""
    username = request.form.get("username", "").strip().lower()[:50]
    return f"login:{username}@{get_remote_address()}"


def failed(response) -> bool:
    return response.status_code == FAILED_LOGIN


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_IP"],
    methods=["POST"],
    key_func=get_remote_address,
    deduct_when=failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=account_from_address_key,
    deduct_when=failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.queue"))
    form = LoginForm()
    # Checked before anything is saved, so that the answer cannot fail after the login was recorded.
    next_page = safe_next(request.args.get("next"))
    if not form.validate_on_submit():
        return render_template("admin/login.html", form=form), 400 if form.is_submitted() else 200
    moderator = moderators.authenticate(form.username.data, form.password.data)
    if moderator is None:
        form.password.errors.append("That name and password do not match an active account.")
        return render_template("admin/login.html", form=form), FAILED_LOGIN
    session.clear()
    session.permanent = True
    now = utcnow()
    sessions.start(moderator, now)
    login_user(moderator)
    moderator.last_login_at = now
    audit.record(moderator, "moderator.login", "moderator", moderator.username, now)
    db.session.commit()
    return redirect(next_page)


@bp.post("/logout")
def logout():
    if ButtonForm().validate_on_submit():
        sessions.end(current_user)
        db.session.commit()
        end_browser_session("You are logged out.")
    return redirect(url_for("admin.login"))


@bp.post("/logout-everywhere")
def logout_everywhere():
    if ButtonForm().validate_on_submit():
        ended = sessions.log_out_everywhere(current_user, utcnow())
        db.session.commit()
        end_browser_session(
            f"You are logged out everywhere ({ended} session{'s' if ended != 1 else ''} ended)."
        )
    return redirect(url_for("admin.login"))


def end_browser_session(message: str) -> None:
    logout_user()
    session.clear()
    flash(message, "success")

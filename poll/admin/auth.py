"""Logging in and out."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from ..db_types import utcnow
from ..extensions import db, limiter
from ..services import audit, moderators
from .blueprint import bp, safe_next
from .forms import ButtonForm, LoginForm

FAILED_LOGIN = 401


def account_key() -> str:
    return "login:" + request.form.get("username", "").strip().lower()[:50]


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
    key_func=account_key,
    deduct_when=failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.queue"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("admin/login.html", form=form), 400 if form.is_submitted() else 200
    moderator = moderators.authenticate(form.username.data, form.password.data)
    if moderator is None:
        form.password.errors.append("That name and password do not match an active account.")
        return render_template("admin/login.html", form=form), FAILED_LOGIN
    session.clear()
    session.permanent = True
    login_user(moderator)
    now = utcnow()
    moderator.last_login_at = now
    audit.record(moderator, "moderator.login", "moderator", moderator.username, now)
    db.session.commit()
    return redirect(safe_next(request.args.get("next")))


@bp.post("/logout")
def logout():
    if ButtonForm().validate_on_submit():
        logout_user()
        session.clear()
        flash("You are logged out.", "success")
    return redirect(url_for("admin.login"))

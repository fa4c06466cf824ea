"""Creating, editing, closing and featuring polls (admins)."""

from datetime import UTC

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..db_types import utcnow
from ..extensions import db
from ..public import poll_or_404
from ..services import polls as poll_service
from ..services.polls import PollError
from .blueprint import admin_required, bp
from .forms import ButtonForm, PollForm


@bp.get("/polls")
def polls():
    return render_template(
        "admin/polls.html", polls=poll_service.all_polls(), now=utcnow(), form=ButtonForm()
    )


def _fields(form: PollForm) -> dict:
    def utc(value):
        return value.replace(tzinfo=UTC) if value is not None else None

    return {
        "slug": form.slug.data,
        "title": form.title.data,
        "question": form.question.data,
        "summary": form.summary.data or "",
        "opens_at": utc(form.opens_at.data),
        "closes_at": utc(form.closes_at.data),
        "moderation_mode": form.moderation_mode.data,
        "results_visibility": form.results_visibility.data,
    }


def _save(form: PollForm, change) -> tuple[bool, object]:
    """Validate, run ``change(fields, choices)`` and commit; on refusal the form carries the reason."""
    if not form.validate_on_submit():
        return False, None
    try:
        result = change(_fields(form), form.parsed_choices)
    except PollError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return False, None
    db.session.commit()
    return True, result


@bp.route("/polls/new", methods=["GET", "POST"])
@admin_required
def new_poll():
    form = PollForm()
    if not form.is_submitted():
        form.opens_at.data = utcnow().replace(second=0, microsecond=0, tzinfo=None)
        form.choices.data = (
            "military: A stronger military response\ndiplomacy: Diplomatic engagement\nundecided: Undecided"
        )
    saved, poll = _save(
        form, lambda fields, choices: poll_service.add_poll(fields, choices, current_user, utcnow())
    )
    if saved:
        flash(f"Poll created at /polls/{poll.slug}.", "success")
        return redirect(url_for("admin.polls"))
    return render_template("admin/poll_form.html", form=form, poll=None), 400 if form.is_submitted() else 200


@bp.route("/polls/<slug>/edit", methods=["GET", "POST"])
@admin_required
def edit_poll(slug: str):
    poll = poll_or_404(slug)
    form = PollForm(obj=poll)
    if not form.is_submitted():
        form.opens_at.data = poll.opens_at.replace(tzinfo=None)
        form.closes_at.data = poll.closes_at.replace(tzinfo=None) if poll.closes_at else None
        form.choices.data = "\n".join(f"{choice.key}: {choice.label}" for choice in poll.choices)
    saved, _ = _save(
        form, lambda fields, choices: poll_service.edit_poll(poll, fields, choices, current_user, utcnow())
    )
    if saved:
        flash("Poll saved.", "success")
        return redirect(url_for("admin.polls"))
    return render_template("admin/poll_form.html", form=form, poll=poll), 400 if form.is_submitted() else 200


def _button_action(slug: str, action, done: str):
    poll = poll_or_404(slug)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        action(poll, current_user, utcnow())
    except PollError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.polls"))
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("admin.polls"))


@bp.post("/polls/<slug>/close")
@admin_required
def close_poll(slug: str):
    return _button_action(
        slug, poll_service.close_poll, "Poll closed: it shows final results and takes no votes."
    )


@bp.post("/polls/<slug>/reopen")
@admin_required
def reopen_poll(slug: str):
    return _button_action(slug, poll_service.reopen_poll, "Poll reopened.")


@bp.post("/polls/<slug>/feature")
@admin_required
def feature_poll(slug: str):
    return _button_action(slug, poll_service.feature_poll, "This poll is now shown on the front page.")

"""Creating, editing, closing and featuring polls (admins)."""

from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from poll.admin.blueprint import admin_required, bp
from poll.admin.forms.common import ButtonForm
from poll.admin.forms.poll_editor import PollForm
from poll.admin.forms.stance_examples import StanceExamplesForm
from poll.database.column_types import utcnow
from poll.debate import stance_heads
from poll.debate.stance_heads import StanceTrainingError, stance_labels
from poll.debate.tagging_queue import queue_training
from poll.extensions import db
from poll.polls import editing
from poll.polls.editing import PollError
from poll.polls.finding import all_polls
from poll.polls.look_css import describe
from poll.polls.looks import poll_look
from poll.polls.vote_taking import poll_or_404


@bp.get("/polls")
def polls():
    return render_template("admin/polls.html", polls=all_polls(), now=utcnow(), form=ButtonForm())


def _newsroom_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("TIMEZONE") or "UTC")


def _look(poll) -> str | None:
    """The poll's look in a line (its own fields, else the site's), beside the link to change it."""
    look = poll_look(poll.slug) if poll is not None else None
    return describe(look) if look is not None else None


def _editor(form: PollForm, poll, save, done: str):
    """The editor's answer: a preview (nothing saved), or ``save(form)`` committed and the poll list,
    or the form again with the reasons beside the fields (400)."""
    if form.validate_on_submit():
        if form.wants_preview:
            return render_template(
                "admin/poll_form.html", form=form, poll=poll, preview=True, look=_look(poll)
            )
        try:
            saved = save(form)
        except PollError as error:
            db.session.rollback()
            form.refuse(error)
        else:
            db.session.commit()
            flash(done.format(slug=saved.slug), "success")
            for note in form.time_notes:
                flash(note, "warning")
            return redirect(url_for("admin.polls"))
    status = 400 if form.is_submitted() else 200
    page = render_template("admin/poll_form.html", form=form, poll=poll, preview=False, look=_look(poll))
    return page, status


@bp.route("/polls/new", methods=["GET", "POST"])
@admin_required
def new_poll():
    def save(form: PollForm):
        fields, choices = form.poll_fields(), form.parsed_choices
        return editing.add_poll(fields, choices, current_user, utcnow(), form.sides, form.headings)

    return _editor(PollForm(zone=_newsroom_zone()), None, save, "Poll created at /polls/{slug}.")


@bp.route("/polls/<slug>/edit", methods=["GET", "POST"])
@admin_required
def edit_poll(slug: str):
    poll = poll_or_404(slug)

    def save(form: PollForm):
        fields, choices = form.poll_fields(), form.parsed_choices
        editing.edit_poll(poll, fields, choices, current_user, utcnow(), form.sides, form.headings)
        return poll

    return _editor(PollForm(zone=_newsroom_zone(), poll=poll), poll, save, "Poll saved.")


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
    return _button_action(slug, editing.close_poll, "Poll closed: it shows final results and takes no votes.")


@bp.post("/polls/<slug>/reopen")
@admin_required
def reopen_poll(slug: str):
    return _button_action(slug, editing.reopen_poll, "Poll reopened.")


@bp.post("/polls/<slug>/feature")
@admin_required
def feature_poll(slug: str):
    return _button_action(slug, editing.feature_poll, "This poll is now shown on the front page.")


@bp.route("/polls/<slug>/stance", methods=["GET", "POST"])
@admin_required
def poll_stance(slug: str):
    """The poll's stance model: its example arguments, corrections, and training it."""
    poll = poll_or_404(slug)
    form = StanceExamplesForm()
    form.stance.choices = [(label, label) for label in stance_labels(poll)]
    status = 200
    if form.validate_on_submit():
        try:
            lines = form.examples.data.splitlines()
            added = stance_heads.add_examples(poll, form.stance.data, lines, utcnow(), current_user)
        except StanceTrainingError as error:
            form.examples.errors.append(str(error))
            status = 400
        else:
            db.session.commit()
            flash(f"{added} example arguments added for '{form.stance.data}'.", "success")
            return redirect(url_for("admin.poll_stance", slug=slug))
    elif form.is_submitted():
        status = 400
    state = stance_heads.stance_model_state(poll)
    page = render_template(
        "admin/poll_stance.html",
        poll=poll,
        form=form,
        button=ButtonForm(),
        state=state,
        side_of=stance_heads.side_of,
    )
    return page, status


@bp.post("/polls/<slug>/stance/train")
@admin_required
def train_poll_stance(slug: str):
    poll = poll_or_404(slug)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        if queue_training(poll):
            flash("Training queued: the tagging worker fits the model in a few seconds.", "success")
            return redirect(url_for("admin.poll_stance", slug=slug))
        stored = stance_heads.train_poll_head(poll, utcnow(), current_user)
    except StanceTrainingError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.poll_stance", slug=slug))
    db.session.commit()
    flash(f"Trained {stored.name} on {stored.rows} labelled comments.", "success")
    return redirect(url_for("admin.poll_stance", slug=slug))


@bp.post("/polls/<slug>/stance/sides")
@admin_required
def map_poll_sides(slug: str):
    """Which side a vote for each choice stands for (a form of one select per choice)."""
    poll = poll_or_404(slug)
    if not ButtonForm().validate_on_submit():
        abort(400)
    wanted = {choice.id: request.form.get(f"side-{choice.id}", "") for choice in poll.choices}
    try:
        stance_heads.map_sides(poll, wanted, current_user, utcnow())
    except StanceTrainingError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.poll_stance", slug=slug))
    db.session.commit()
    flash("Sides saved.", "success")
    return redirect(url_for("admin.poll_stance", slug=slug))

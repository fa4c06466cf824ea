"""The per-poll dashboard, and voiding or restoring a burst of votes from it."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from poll.admin.blueprint import bp
from poll.admin.forms.votes import RestoreVotesForm, VoidBurstForm
from poll.database.column_types import utcnow
from poll.database.models import Poll
from poll.extensions import db
from poll.polls.embedding import embed_size, iframe_html, loader_html
from poll.polls.figures import burst_window
from poll.polls.figures import dashboard as dashboard_figures
from poll.polls.frame_height import embed_height_for
from poll.polls.voids import VoidError, restore_void, void_burst
from poll.polls.vote_taking import poll_or_404
from poll.vocabulary import SENTIMENTS, STANCES


def render_dashboard(poll: Poll, status: int = 200):
    figures = dashboard_figures(
        poll, utcnow(), current_app.config["VOTE_BURST_THRESHOLD"], current_app.config["TIMEZONE"]
    )
    peak = max((count for _, count in figures.votes_over_time), default=0)
    page = render_template(
        "admin/dashboard.html",
        poll=poll,
        figures=figures,
        peak=peak,
        stances=STANCES,
        sentiments=SENTIMENTS,
        void_form=VoidBurstForm(formdata=None),
        restore_form=RestoreVotesForm(formdata=None),
        embed=embed_code(poll),
    )
    return page, status


def embed_code(poll: Poll) -> dict:
    """What an editor pastes into an article, and where it may be pasted."""
    poll_url = url_for("polls.poll_page", slug=poll.slug, _external=True)
    card_url = url_for("embed.card", slug=poll.slug, _external=True)
    return {
        "script": loader_html(url_for("static", filename="js/embed.js", _external=True), poll.slug),
        "iframe": iframe_html(card_url, poll.title, embed_size(height=embed_height_for(poll))),
        "oembed": url_for("embed.oembed", url=poll_url, format="json", _external=True),
        "poll_url": poll_url,
        "sites": [*poll.embed_origin_list, *current_app.config["EMBED_ORIGINS"]],
    }


@bp.get("/polls/<slug>/dashboard")
def dashboard(slug: str):
    return render_dashboard(poll_or_404(slug))


def first_error(form) -> str:
    return next(message for messages in form.errors.values() for message in messages)


def refused(poll: Poll, message: str, status: int):
    """The dashboard again, with what went wrong (nothing was changed)."""
    db.session.rollback()
    flash(message, "error")
    return render_dashboard(poll, status)


def votes(count: int) -> str:
    return f"{count} vote{'' if count == 1 else 's'}"


@bp.post("/polls/<slug>/bursts/void")
def void_votes(slug: str):
    """Moderators and admins alike: voiding is undone by a restore, and both are audited."""
    poll = poll_or_404(slug)
    form = VoidBurstForm()
    if not form.validate_on_submit():
        return refused(poll, first_error(form), 400)
    try:
        window = burst_window(poll, form.burst.data, current_app.config["VOTE_BURST_THRESHOLD"])
        voided = void_burst(poll, window, current_user, form.reason.data, utcnow())
    except VoidError as error:
        return refused(poll, str(error), error.status)
    db.session.commit()
    flash(f"{votes(voided.votes)} voided: they stay stored but no longer count in the results.", "success")
    return redirect(url_for(".dashboard", slug=slug, _anchor="voided-heading"))


@bp.post("/polls/<slug>/voids/<id:void_id>/restore")
def restore_votes(slug: str, void_id: int):
    poll = poll_or_404(slug)
    form = RestoreVotesForm()
    if not form.validate_on_submit():
        return refused(poll, first_error(form), 400)
    try:
        restored = restore_void(poll, void_id, current_user, form.reason.data, utcnow())
    except VoidError as error:
        return refused(poll, str(error), error.status)
    db.session.commit()
    flash(f"{votes(restored.votes)} restored: they count in the results again.", "success")
    return redirect(url_for(".dashboard", slug=slug, _anchor="voided-heading"))

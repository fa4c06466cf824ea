"""The per-poll dashboard."""

from flask import current_app, render_template

from ..db_types import utcnow
from ..public import poll_or_404
from ..services.dashboard import dashboard as dashboard_figures
from ..tagging import SENTIMENTS, STANCES
from .blueprint import bp


@bp.get("/polls/<slug>/dashboard")
def dashboard(slug: str):
    poll = poll_or_404(slug)
    figures = dashboard_figures(poll, utcnow(), current_app.config["VOTE_BURST_THRESHOLD"])
    peak = max((count for _, count in figures.votes_over_time), default=0)
    return render_template(
        "admin/dashboard.html", poll=poll, figures=figures, peak=peak, stances=STANCES, sentiments=SENTIMENTS
    )

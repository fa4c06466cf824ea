"""The audit log: read-only, filterable."""

from datetime import UTC, datetime, timedelta

from flask import current_app, render_template, request

from ..extensions import db
from ..models import AuditEntry, Moderator
from ..services.polls import all_polls, poll_by_slug
from ..view_helpers import requested_page
from .blueprint import bp


def _day(value: str | None) -> datetime | None:
    try:
        return datetime.strptime(value or "", "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None


def audit_filters() -> tuple[list, dict]:
    args = request.args
    chosen = {key: args.get(key, "").strip()[:100] for key in ("actor", "action", "poll", "since", "until")}
    conditions = []
    if chosen["actor"]:
        conditions.append(AuditEntry.actor == chosen["actor"])
    if chosen["action"]:
        conditions.append(AuditEntry.action == chosen["action"])
    poll = poll_by_slug(chosen["poll"]) if chosen["poll"] else None
    if poll is not None:
        conditions.append(AuditEntry.poll_id == poll.id)
    since, until = _day(chosen["since"]), _day(chosen["until"])
    if since is not None:
        conditions.append(AuditEntry.created_at >= since)
    if until is not None:
        conditions.append(AuditEntry.created_at < until + timedelta(days=1))
    return conditions, chosen


@bp.get("/audit")
def audit_log():
    conditions, chosen = audit_filters()
    page = requested_page()
    per_page = current_app.config["QUEUE_PER_PAGE"]
    rows = list(
        db.session.execute(
            db.select(AuditEntry)
            .where(*conditions)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page + 1)
        ).scalars()
    )
    actions = db.session.execute(
        db.select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    ).scalars()
    actors = db.session.execute(db.select(Moderator.username).order_by(Moderator.username)).scalars()
    return render_template(
        "admin/audit.html",
        entries=rows[:per_page],
        has_more=len(rows) > per_page,
        page=page,
        chosen=chosen,
        actions=list(actions),
        actors=list(actors),
        polls=all_polls(),
    )

"""The audit log: read-only, filterable."""

from datetime import UTC, datetime, timedelta

from flask import current_app, render_template, request, url_for
from sqlalchemy.orm import selectinload

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


def _words(value) -> str:
    """One stored value of a before/after snapshot, as a reader would say it."""
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_words(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key} {_words(item)}" for key, item in value.items())
    return str(value)


def change_lines(before: dict | None, after: dict | None) -> list[str]:
    """``status: pending → rejected`` for each field an entry records, in words."""
    before, after = before or {}, after or {}
    lines = []
    for key in [*before, *(key for key in after if key not in before)]:
        label = key.replace("_", " ")
        if key in before and key in after:
            if before[key] != after[key]:
                lines.append(f"{label}: {_words(before[key])} → {_words(after[key])}")
            else:
                lines.append(f"{label}: {_words(after[key])} (unchanged)")
        elif key in after:
            lines.append(f"{label}: {_words(after[key])}")
        else:
            lines.append(f"{label}: was {_words(before[key])}")
    return lines


def target_link(entry: AuditEntry) -> str | None:
    """Where an entry's target can be seen: the comment in the queue, the poll's
    dashboard, the moderator's own actions, the mutes in force."""
    if entry.target_type == "comment" and entry.target_id.isdigit():
        return url_for("admin.queue", comment=entry.target_id)
    if entry.target_type == "poll":
        return url_for("admin.dashboard", slug=entry.target_id)
    if entry.target_type == "moderator":
        return url_for("admin.audit_log", actor=entry.target_id)
    if entry.target_type == "voter_mute":
        return url_for("admin.mute_list")
    if entry.poll is not None:
        return url_for("admin.dashboard", slug=entry.poll.slug)
    return None


@bp.get("/audit")
def audit_log():
    conditions, chosen = audit_filters()
    page = requested_page()
    per_page = current_app.config["QUEUE_PER_PAGE"]
    rows = list(
        db.session.execute(
            db.select(AuditEntry)
            .options(selectinload(AuditEntry.poll))
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
        entries=[
            {"entry": entry, "changes": change_lines(entry.before, entry.after), "link": target_link(entry)}
            for entry in rows[:per_page]
        ],
        has_more=len(rows) > per_page,
        page=page,
        chosen=chosen,
        actions=list(actions),
        actors=list(actors),
        polls=all_polls(),
    )

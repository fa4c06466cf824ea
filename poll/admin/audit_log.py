"""The audit log: read-only, filterable."""

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, render_template, request, url_for
from sqlalchemy.orm import selectinload

from poll.accounts.audit import MUTE_TARGET, about_poll
from poll.admin.blueprint import bp
from poll.admin.forms.moderation import AuditFilterForm
from poll.database.models import AuditEntry
from poll.extensions import db
from poll.polls.finding import all_polls


def _distinct(column) -> list[str]:
    return list(db.session.execute(db.select(column).distinct().order_by(column)).scalars())


def audit_filter_form() -> AuditFilterForm:
    """Who, what, which poll and which days, as the query string asks
    (choices: whoever and whatever the log holds)."""
    actors, actions = _distinct(AuditEntry.actor), _distinct(AuditEntry.action)
    return AuditFilterForm(request.args, all_polls(), actors, actions).drop_unknown_values()


def audit_conditions(form: AuditFilterForm) -> list:
    conditions = []
    if form.actor.data:
        conditions.append(AuditEntry.actor == form.actor.data)
    if form.action.data:
        conditions.append(AuditEntry.action == form.action.data)
    poll = form.chosen_poll()
    if poll is not None:
        conditions.append(about_poll(poll.id))
    if form.since.data is not None:
        conditions.append(AuditEntry.created_at >= _start_of(form.since.data))
    if form.until.data is not None and form.until.data < date.max:  # the last day has no next day
        conditions.append(AuditEntry.created_at < _start_of(form.until.data + timedelta(days=1)))
    return conditions


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


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
    if entry.target_type == MUTE_TARGET:
        return url_for("admin.mute_list")
    if entry.poll is not None:
        return url_for("admin.dashboard", slug=entry.poll.slug)
    return None


@bp.get("/audit")
def audit_log():
    form = audit_filter_form()
    pagination = db.paginate(
        db.select(AuditEntry)
        .options(selectinload(AuditEntry.poll))
        .where(*audit_conditions(form))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()),
        page=form.page.data,
        per_page=current_app.config["QUEUE_PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "admin/audit.html",
        entries=[
            {"entry": entry, "changes": change_lines(entry.before, entry.after), "link": target_link(entry)}
            for entry in pagination.items
        ],
        pagination=pagination,
        filter_form=form,
    )

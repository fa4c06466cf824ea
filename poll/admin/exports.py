"""CSV downloads for logged-in moderators; each one is recorded in the audit log."""

from flask import Response, abort, render_template, request, stream_with_context
from flask_login import current_user

from poll.accounts import audit
from poll.admin.blueprint import bp
from poll.database.column_types import utcnow
from poll.exports.rows import KINDS, ExportError, build_request, describe, export_chunks, filename, parse_day
from poll.extensions import db
from poll.polls.finding import all_polls, poll_by_slug


@bp.get("/export")
def exports():
    return render_template("admin/exports.html", polls=all_polls(), kinds=KINDS)


def export_request(kind: str):
    slug = request.args.get("poll", "").strip()
    poll = poll_by_slug(slug) if slug else None
    if slug and poll is None:
        raise ExportError(f"There is no poll called {slug!r}.")
    since = parse_day(request.args.get("since"), "The start date")
    until = parse_day(request.args.get("until"), "The end date")
    return build_request(kind, poll, since, until)


@bp.get("/export/<kind>.csv")
def export(kind: str):
    if kind not in KINDS:
        abort(404, description=f"There is no {kind!r} export. Choose one of: {', '.join(KINDS)}.")
    try:
        wanted = export_request(kind)
    except ExportError as error:
        abort(400, description=str(error))
    now = utcnow()
    audit.record(
        current_user,
        "export",
        "export",
        kind,
        now,
        poll_id=wanted.poll.id if wanted.poll else None,
        after=describe(wanted),
    )
    db.session.commit()
    with_bom = request.args.get("bom") in {"1", "true", "yes", "on"}
    response = Response(
        stream_with_context(export_chunks(wanted, bom=with_bom)), content_type="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename(wanted, now.date())}"'
    return response

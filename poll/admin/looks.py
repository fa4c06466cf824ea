"""A newsroom's look (admins): the site's default at /admin/look, a poll's own beside its editor, and
the preview's stylesheet drawn from what is typed."""

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from poll.admin.blueprint import admin_required, bp
from poll.admin.forms.looks import LookForm
from poll.database.column_types import utcnow
from poll.database.models import LOOK_FONTS, LOOK_SCHEMES, Poll
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.look_css import look_css, parse_colour, parse_radius
from poll.polls.looks import LookError, LookFields, base_for, check_look, effective, save_look, stored_look
from poll.polls.vote_taking import poll_or_404

PREVIEW_SCOPE = ".look-preview"
LOOK_FIELDS = ("accent", "accent_dark", "font", "radius", "scheme")
SAVED_AT_ONCE = (
    "Another admin saved this look at the same moment, so yours was not saved: check it and save again."
)


def _look_page(poll: Poll | None):
    """The look's form: previewed (checked, nothing saved), saved and audited, or drawn again with
    the reasons beside the fields (400)."""
    site = poll is None
    # The stored look fills a fresh form only: a field missing from a POST is empty, never the stored value.
    stored = stored_look(poll.id if poll is not None else None) if request.method == "GET" else None
    form = LookForm(obj=stored, site=site)
    if form.validate_on_submit():
        try:
            if form.wants_preview:
                check_look(form.look_fields(), base_for(poll))
            else:
                save_look(poll, form.look_fields(), current_user, utcnow())
                db.session.commit()
        except LookError as error:
            db.session.rollback()
            form.refuse(error)
        except IntegrityError:  # another admin's first save of this look, at the same moment
            db.session.rollback()
            form.form_errors.append(SAVED_AT_ONCE)
        else:
            if not form.wants_preview:
                flash("The site's default look is saved." if site else "The poll's look is saved.", "success")
                return redirect(request.path)
    status = 200
    if form.form_errors:
        status = 409
    elif form.is_submitted() and any(field.errors for field in form):
        status = 400
    whose: dict[str, Any] = {"poll": poll.slug} if poll is not None else {}
    typed: dict[str, Any] = {name: str(form[name].data or "") for name in LOOK_FIELDS}
    return render_template(
        "admin/look.html",
        form=form,
        poll=poll,
        preview_base=url_for("admin.look_preview", **whose),
        preview_url=url_for("admin.look_preview", **typed, **whose),
    ), status


@bp.route("/look", methods=["GET", "POST"])
@admin_required
def site_look():
    return _look_page(None)


@bp.route("/polls/<slug>/look", methods=["GET", "POST"])
@admin_required
def poll_look(slug: str):
    return _look_page(poll_or_404(slug))


def _typed(name: str, parse) -> object | None:
    """A preview's field as the form would take it, or None (unset, or not yet a valid value)."""
    text = request.args.get(name, "").strip()
    try:
        return parse(text) if text else None
    except ValueError:
        return None


@bp.get("/look/preview.css")
@admin_required
def look_preview():
    """The look being typed, scoped to the editor's preview: what look.css would say, from the query."""
    poll = poll_by_slug(request.args.get("poll", "")) if request.args.get("poll") else None
    typed = LookFields(
        accent=_typed("accent", parse_colour),
        accent_dark=_typed("accent_dark", parse_colour),
        font=_typed("font", lambda text: text if text in LOOK_FONTS else None),
        radius=_typed("radius", parse_radius),
        scheme=_typed("scheme", lambda text: text if text in LOOK_SCHEMES else None),
    )
    return Response(look_css(effective(typed, base_for(poll)), PREVIEW_SCOPE), mimetype="text/css")

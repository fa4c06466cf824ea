"""The moderators list (admins). Accounts are managed with `flask moderator`."""

from flask import render_template

from poll.admin.blueprint import admin_required, bp
from poll.database.models import Moderator
from poll.extensions import db


@bp.get("/moderators")
@admin_required
def moderators():
    accounts = db.session.execute(db.select(Moderator).order_by(Moderator.username)).scalars().all()
    return render_template("admin/moderators.html", moderators=accounts)

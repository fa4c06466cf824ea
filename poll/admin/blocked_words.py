"""The blocked-words list (admins): "suspect" words flag a comment, "banned" ones hold it for review."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from poll.accounts import audit
from poll.admin.blueprint import admin_required, bp
from poll.admin.forms.common import ButtonForm
from poll.admin.forms.moderation import BlockedWordForm
from poll.database.column_types import utcnow
from poll.database.models import BLOCKED_BANNED, BlockedWord
from poll.extensions import db


def _page(form: BlockedWordForm, status: int = 200):
    words = (
        db.session.execute(db.select(BlockedWord).order_by(BlockedWord.kind, BlockedWord.phrase))
        .scalars()
        .all()
    )
    return render_template("admin/blocked_words.html", words=words, form=form, button=ButtonForm()), status


@bp.get("/blocked-words")
@admin_required
def blocked_words():
    return _page(BlockedWordForm())


@bp.post("/blocked-words")
@admin_required
def add_blocked_word():
    form = BlockedWordForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    phrase = " ".join(form.phrase.data.lower().split())
    if db.session.execute(db.select(BlockedWord).filter_by(phrase=phrase)).scalar_one_or_none() is not None:
        form.phrase.errors.append(f"{phrase!r} is already on the list.")
        return _page(form, 400)
    now = utcnow()
    kind = form.kind.data
    db.session.add(BlockedWord(phrase=phrase, kind=kind, created_at=now))
    audit.record(current_user, "blocked_word.add", "blocked_word", phrase, now, after={"kind": kind})
    try:
        db.session.commit()
    except IntegrityError:  # added by someone else at the same moment
        db.session.rollback()
    if kind == BLOCKED_BANNED:
        flash(f"New comments containing {phrase!r} will wait for review from now on.", "success")
    else:
        flash(f"New comments containing {phrase!r} will be flagged from now on.", "success")
    return redirect(url_for("admin.blocked_words"))


@bp.post("/blocked-words/<id:word_id>/remove")
@admin_required
def remove_blocked_word(word_id: int):
    word = db.session.get(BlockedWord, word_id)
    if word is None:
        abort(404, description="That word is not on the list.")
    if not ButtonForm().validate_on_submit():
        abort(400)
    audit.record(
        current_user, "blocked_word.remove", "blocked_word", word.phrase, utcnow(), before={"kind": word.kind}
    )
    db.session.delete(word)
    db.session.commit()
    flash(f"{word.phrase!r} removed from the list.", "success")
    return redirect(url_for("admin.blocked_words"))

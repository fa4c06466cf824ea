"""The blocked-words list flags new comments that use them."""

import pytest

from poll.extensions import db
from poll.models import FLAG_BLOCKED_WORD, AuditEntry, BlockedWord, Comment


def flags_of(app, comment_id):
    with app.app_context():
        return db.session.get(Comment, comment_id).flag_names


def words(app):
    with app.app_context():
        return list(db.session.execute(db.select(BlockedWord.phrase).order_by(BlockedWord.phrase)).scalars())


def test_added_phrase_flags_new_comments(app, admin_client, make_comment):
    assert admin_client.post("/admin/blocked-words", data={"phrase": "  Nuke Them  "}).status_code == 302
    assert words(app) == ["nuke them"]
    flagged = make_comment("Just NUKE  them all.")
    clean = make_comment("Nuclear talks now.")
    assert FLAG_BLOCKED_WORD in flags_of(app, flagged)
    assert FLAG_BLOCKED_WORD not in flags_of(app, clean)
    page = admin_client.get("/admin/", query_string={"flag": FLAG_BLOCKED_WORD}).get_data(as_text=True)
    assert "Just NUKE  them all." in page and "Nuclear talks now." not in page


def test_remove_phrase(app, admin_client):
    admin_client.post("/admin/blocked-words", data={"phrase": "traitor"})
    with app.app_context():
        word_id = db.session.execute(db.select(BlockedWord.id)).scalar_one()
    assert admin_client.post(f"/admin/blocked-words/{word_id}/remove").status_code == 302
    assert words(app) == []
    with app.app_context():
        logged = db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert logged[-2:] == ["blocked_word.add", "blocked_word.remove"]
    assert admin_client.post(f"/admin/blocked-words/{word_id}/remove").status_code == 404


@pytest.mark.parametrize(
    "phrase, message",
    [
        ("", "Please enter a word"),
        ("   ", "Please enter a word"),
        ("x" * 101, "100 characters"),
        ("<b>bold</b>", "plain text"),
        ("traitor", "already on the list"),
    ],
)
def test_bad_phrase_is_refused(app, admin_client, phrase, message):
    admin_client.post("/admin/blocked-words", data={"phrase": "traitor"})
    response = admin_client.post("/admin/blocked-words", data={"phrase": phrase})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert words(app) == ["traitor"]

"""The blocked-words list flags new comments that use them."""

import pytest

from poll.database.models import FLAG_BLOCKED_WORD, AuditEntry, BlockedWord, Comment
from poll.extensions import db


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
        ("bad\x07word", "control characters"),
        ("id\u200biot", "invisible"),
        ("traitor", "already on the list"),
    ],
)
def test_bad_phrase_is_refused(app, admin_client, phrase, message):
    admin_client.post("/admin/blocked-words", data={"phrase": "traitor"})
    response = admin_client.post("/admin/blocked-words", data={"phrase": phrase})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert words(app) == ["traitor"]


def test_a_banned_word_holds_the_comment_and_its_author_is_told(app, admin_client, client, make_poll):
    """ "...is an idiot" with "idiot" banned waits for review, even where comments are public at once."""
    slug = make_poll("open-debate", moderation_mode="post")
    response = admin_client.post("/admin/blocked-words", data={"phrase": "Idiot", "kind": "banned"})
    assert response.status_code == 302
    with app.app_context():
        word = db.session.execute(db.select(BlockedWord)).scalar_one()
        assert (word.phrase, word.kind) == ("idiot", "banned")
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="blocked_word.add")).scalar_one()
        assert entry.after == {"kind": "banned"}
    page = admin_client.get("/admin/blocked-words").get_data(as_text=True)
    assert "idiot" in page and "banned" in page
    posted = client.post(f"/polls/{slug}/comments", data={"body": "The minister is an id\u200biot."})
    assert posted.status_code == 302
    landing = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert "will appear once a moderator has reviewed it" in landing
    with app.app_context():
        stored = db.session.execute(db.select(Comment)).scalar_one()
        assert stored.status == "pending" and FLAG_BLOCKED_WORD in stored.flag_names


def test_a_suspect_word_flags_but_publishes(app, admin_client, client, make_poll):
    slug = make_poll("open-debate", moderation_mode="post")
    admin_client.post("/admin/blocked-words", data={"phrase": "traitor", "kind": "suspect"})
    client.post(f"/polls/{slug}/comments", data={"body": "Some call him a traitor."})
    with app.app_context():
        stored = db.session.execute(db.select(Comment)).scalar_one()
        assert stored.status == "approved" and FLAG_BLOCKED_WORD in stored.flag_names


@pytest.mark.parametrize("kind", ["forbidden", "", "<b>"])
def test_an_unknown_kind_is_refused(app, admin_client, kind):
    response = admin_client.post("/admin/blocked-words", data={"phrase": "idiot", "kind": kind})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert words(app) == []


def test_a_kind_sent_twice_is_refused(app, admin_client):
    response = admin_client.post(
        "/admin/blocked-words", data={"phrase": "idiot", "kind": ["banned", "suspect"]}
    )
    assert response.status_code == 400 and words(app) == []

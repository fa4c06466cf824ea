"""Issue 13, finding 10: bidirectional overrides, zero-width and other Unicode
format characters (category Cf) were accepted in names and poll texts, so
"\u202enimda" showed as "admin".

Names and poll texts now refuse every format character, with a message next to
the field and the typed text kept in the form; the zero-width (non-)joiner
between two visible characters stays allowed (emoji sequences, Persian
words). Comment bodies and reasons refuse only the direction controls: the
other format characters are ordinary text there.
"""

import html
import unicodedata

import pytest

from poll.database.models import AuditEntry, BlockedWord, Comment, Moderator, Poll
from poll.extensions import db
from poll.web.text_rules import BIDI_CONTROLS, format_characters_in_name
from tests.conftest import PASSWORD

SPOOFS = {
    "right-to-left override": "\u202enimda",
    "left-to-right embedding": "\u202aadmin\u202c",
    "isolate": "\u2066admin\u2069",
    "left-to-right mark": "\u200eadmin",
    "right-to-left mark": "admin\u200f",
    "zero-width space": "ad\u200bmin",
    "lone zero-width joiner": "\u200dadmin",
    "zero-width non-joiner at the end": "admin\u200c",
    "word joiner": "ad\u2060min",
    "byte order mark": "\ufeffadmin",
    "soft hyphen": "ad\u00admin",
}
BIDI_SPOOFS = {name: text for name, text in SPOOFS.items() if set(text) & BIDI_CONTROLS}
ORDINARY_TEXT = {
    "emoji sequence": "Coder \U0001f469\u200d\U0001f4bb and family \U0001f468\u200d\U0001f469\u200d\U0001f467",
    "persian with non-joiner": "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
    "flag with skin tone": "\U0001f44d\U0001f3fd \U0001f1f0\U0001f1f7",
}

POLL_FORM = {
    "slug": "spoof-check",
    "title": "A fair title",
    "question": "A fair question?",
    "summary": "A fair summary.",
    "choices": "yes: Yes\nno: No",
    "opens_at": "2026-01-01T09:00",
    "closes_at": "",
    "moderation_mode": "post",
    "results_visibility": "always",
}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def shows_error_and_keeps_text(response, typed: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "invisible formatting characters" in page or "invisible text-direction controls" in page
    first = next(char for char in typed if unicodedata.category(char) == "Cf")
    assert f"U+{ord(first):04X}" in page
    assert html.escape(typed, quote=True) in page, "the form should keep what was typed"


def test_every_spoof_has_a_format_character():
    for text in SPOOFS.values():
        assert any(unicodedata.category(char) == "Cf" for char in text)
        assert format_characters_in_name(text)


@pytest.mark.parametrize("spoof", SPOOFS.values(), ids=SPOOFS.keys())
def test_comment_display_name_refuses_format_characters(app, client, debate_poll, spoof):
    response = client.post(
        f"/polls/{debate_poll}/comments", data={"body": "Talks are the way forward.", "display_name": spoof}
    )
    shows_error_and_keeps_text(response, spoof)
    assert count(app, Comment) == 0


@pytest.mark.parametrize("field", ["title", "question", "summary", "choices"])
@pytest.mark.parametrize("spoof", SPOOFS.values(), ids=SPOOFS.keys())
def test_poll_texts_refuse_format_characters(app, admin_client, field, spoof):
    typed = f"yes: {spoof}\nno: No" if field == "choices" else f"Is {spoof} right?"
    response = admin_client.post("/admin/polls/new", data={**POLL_FORM, field: typed})
    shows_error_and_keeps_text(response, typed)
    assert count(app, Poll) == 0


@pytest.mark.parametrize("spoof", SPOOFS.values(), ids=SPOOFS.keys())
def test_poll_edit_refuses_format_characters(app, admin_client, debate_poll, spoof):
    with app.app_context():
        before = db.session.execute(db.select(Poll.title).filter_by(slug=debate_poll)).scalar_one()
    edit = admin_client.get(f"/admin/polls/{debate_poll}/edit")
    assert edit.status_code == 200
    response = admin_client.post(
        f"/admin/polls/{debate_poll}/edit",
        data={**POLL_FORM, "slug": debate_poll, "title": spoof, "choices": ""},
    )
    assert response.status_code == 400
    assert "invisible formatting characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(Poll.title).filter_by(slug=debate_poll)).scalar_one() == before


@pytest.mark.parametrize("spoof", SPOOFS.values(), ids=SPOOFS.keys())
def test_blocked_words_refuse_format_characters(app, admin_client, spoof):
    response = admin_client.post("/admin/blocked-words", data={"phrase": spoof})
    shows_error_and_keeps_text(response, spoof)
    assert count(app, BlockedWord) == 0


@pytest.mark.parametrize("spoof", SPOOFS.values(), ids=SPOOFS.keys())
def test_cli_refuses_format_characters_in_moderator_names(app, runner, spoof):
    result = runner.invoke(args=["moderator", "add", spoof], input=PASSWORD + "\n")
    assert result.exit_code != 0
    assert "invisible formatting characters" in result.output
    assert count(app, Moderator) == 0


def test_cli_refuses_a_name_with_a_trailing_newline(app, runner):
    result = runner.invoke(args=["moderator", "add", "admin\n"], input=PASSWORD + "\n")
    assert result.exit_code != 0
    assert count(app, Moderator) == 0


@pytest.mark.parametrize("spoof", BIDI_SPOOFS.values(), ids=BIDI_SPOOFS.keys())
def test_comment_body_refuses_direction_controls(app, client, debate_poll, spoof):
    body = f"I agree with {spoof} on this."
    response = client.post(f"/polls/{debate_poll}/comments", data={"body": body})
    shows_error_and_keeps_text(response, body)
    assert count(app, Comment) == 0


@pytest.mark.parametrize("spoof", BIDI_SPOOFS.values(), ids=BIDI_SPOOFS.keys())
def test_moderation_reason_refuses_direction_controls(app, moderator_client, make_comment, spoof):
    comment_id = make_comment()
    response = moderator_client.post(
        f"/admin/comments/{comment_id}/moderate", data={"action": "reject", "reason": f"Spam {spoof}"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Comment, comment_id).status == "pending"
        assert db.session.execute(db.select(AuditEntry).filter_by(action="comment.reject")).first() is None


@pytest.mark.parametrize(
    "body",
    [
        *ORDINARY_TEXT.values(),
        "Zero\u200bwidth spaces and soft hy\u00adphens are kept.",
        "Mixed \u05e9\u05dc\u05d5\u05dd\u200e (Hebrew) text with a direction mark.",
    ],
)
def test_comment_body_keeps_ordinary_text(app, client, debate_poll, body):
    response = client.post(f"/polls/{debate_poll}/comments", data={"body": body})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(Comment.body)).scalar_one() == body


@pytest.mark.parametrize("name", ORDINARY_TEXT.values(), ids=ORDINARY_TEXT.keys())
def test_names_keep_emoji_sequences_and_joined_words(app, client, admin_client, debate_poll, name):
    response = client.post(
        f"/polls/{debate_poll}/comments", data={"body": "Talks first.", "display_name": name[:50]}
    )
    assert response.status_code == 302
    response = admin_client.post("/admin/polls/new", data={**POLL_FORM, "title": name})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(Poll.title).filter_by(slug="spoof-check")).scalar_one() == name

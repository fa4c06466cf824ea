"""#27 item 12: display names made only of characters that draw nothing (U+3164
HANGUL FILLER three times, U+2800 BRAILLE PATTERN BLANK, a line separator) were
stored and shown blank. A given name must show something; an empty one stays allowed."""

import pytest

from poll.database.models import Comment
from poll.extensions import db
from poll.web.text_rules import has_visible_character


@pytest.mark.parametrize(
    "name", ["\u3164\u3164\u3164", "\u2800", "\u3164\u2028\u3164", "\u3164 \u2800", "\uffa0\u115f"]
)
def test_a_name_that_draws_nothing_is_refused_and_the_comment_kept(app, client, debate_poll, name):
    body = "Talks first; keep the hotline open."
    response = client.post(f"/polls/{debate_poll}/comments", data={"body": body, "display_name": name})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "at least one visible letter, digit or symbol in your name" in page
    assert body in page  # what was typed comes back
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Comment)).scalar() == 0


@pytest.mark.parametrize("name", ["Mina", "\u3164Mina", "김민아", "\U0001f54a\ufe0f", "7", "\u0645\u06cc"])
def test_names_that_show_are_kept(name):
    assert has_visible_character(name)


def test_a_line_separator_alone_is_trimmed_to_no_name(app, client, debate_poll):
    response = client.post(
        f"/polls/{debate_poll}/comments", data={"body": "A question, no name.", "display_name": "\u2028"}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(Comment.display_name)).scalar_one() == ""

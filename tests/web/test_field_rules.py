"""LimitWithoutCutting: a length limit that refuses over-long text and never lets the browser cut it."""

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField, TextAreaField
from wtforms.validators import Length

from poll.web.field_rules import LimitWithoutCutting


class NoteForm(Form):
    note = TextAreaField("Note", validators=[LimitWithoutCutting(10, "note")])
    name = StringField("Name", validators=[LimitWithoutCutting(5, "name")])
    cut = StringField("Cut", validators=[Length(max=5)])


def test_the_fields_carry_no_maxlength_where_length_would_render_one():
    form = NoteForm()
    assert "maxlength" not in form.note() and "maxlength" not in form.name()
    assert 'maxlength="5"' in form.cut()  # what wtforms' Length does, and why it is not used for readers


@pytest.mark.parametrize(
    "note, refused",
    [
        ("x" * 10, False),
        ("x" * 11, True),
        ("é" * 10, False),
        ("👩‍💻" * 3, False),
        ("a\r\nb\r\nc\r\nd\r\ne", False),
    ],
    ids=["at-limit", "one-over", "accents", "emoji-by-code-point", "line-break-counts-one"],
)
def test_a_text_area_counts_characters_as_the_reader_sees_them(note, refused):
    form = NoteForm(MultiDict({"note": note}))
    assert form.validate() is not refused


def test_the_message_says_how_long_the_text_is_and_what_the_limit_is():
    form = NoteForm(MultiDict({"note": "x" * 2900, "name": "abcdef"}))
    assert not form.validate()
    assert form.note.errors == [
        "Please keep your note to 10 characters or fewer: it has 2,900, 2,890 too many. "
        "Nothing was cut, so you can shorten it here."
    ]
    assert "it has 6, 1 too many" in form.name.errors[0]
    assert form.note.data == "x" * 2900  # all of it, to send back


def test_a_one_line_field_counts_what_was_sent_since_its_column_holds_that():
    assert not NoteForm(MultiDict({"name": "ab\r\ncd"})).validate()

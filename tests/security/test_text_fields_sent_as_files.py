"""#27 item 6: a text field sent as a multipart file part (body, reason, text,
phrase, title) reached its form as a file object and answered 500. No form here
takes a file: any file part is a clear 400 and nothing is stored."""

import io

import pytest

from poll.database.models import BlockedWord, Comment, Poll
from poll.extensions import db


def as_file(text: str = "Talks first."):
    return (io.BytesIO(text.encode()), "field.txt")


def test_a_comment_body_sent_as_a_file_is_refused_and_nothing_stored(app, client, debate_poll):
    response = client.post(
        f"/polls/{debate_poll}/comments",
        data={"body": as_file(), "display_name": "Mina"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "files are not accepted" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Comment)).scalar() == 0


@pytest.mark.parametrize(
    "path, data",
    [
        ("/admin/blocked-words", {"phrase": as_file("idiot"), "kind": "suspect"}),
        ("/admin/polls/new", {"title": as_file("A poll")}),
    ],
    ids=["phrase", "title"],
)
def test_admin_text_fields_sent_as_files_are_refused(app, admin_client, path, data):
    def stored():
        with app.app_context():
            return [
                db.session.execute(db.select(db.func.count()).select_from(m)).scalar()
                for m in (BlockedWord, Poll)
            ]

    before = stored()
    response = admin_client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert stored() == before


def test_an_ordinary_multipart_form_without_files_still_works(app, client, debate_poll):
    response = client.post(
        f"/polls/{debate_poll}/comments",
        data={"body": "Talks first.", "display_name": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302

"""Issue 13, finding 9: CR/LF (or any other invisible character) in ``next=``
used to raise while building the Location header, after the action had been
committed: a 500 for an action that was saved. ``next`` is now checked before
anything happens, and a bad one falls back to the default page."""

import pytest

from poll.database.models import AuditEntry, Comment
from poll.extensions import db
from tests.conftest import PASSWORD

BAD_NEXTS = [
    "/admin/\r\nSet-Cookie: injected=1",
    "/admin/\nX-Injected: 1",
    "/admin/\rX-Injected: 1",
    "/\t/evil.example/",  # browsers drop tabs: this would be //evil.example/
    "/\\evil.example/",  # and read a backslash as a slash
    "/admin/\u2028",
]


def audit_actions(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.execute(db.select(AuditEntry).filter_by(action=action)).scalars())


def assert_safe_redirect(response, default_path: str) -> None:
    assert response.status_code == 302
    assert response.headers["Location"] == default_path
    assert "Set-Cookie: injected" not in str(response.headers)
    assert "X-Injected" not in response.headers
    assert "injected=1" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("bad_next", ["/admin/%0d%0aSet-Cookie:%20injected=1", "/admin/%0aX-Injected:1"])
def test_login_with_crlf_in_next_goes_to_the_queue(app, accounts, bad_next):
    client = app.test_client()
    response = client.post(f"/admin/login?next={bad_next}", data={"username": "ada", "password": PASSWORD})
    assert_safe_redirect(response, "/admin/")
    assert len(audit_actions(app, "moderator.login")) == 1
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("bad_next", BAD_NEXTS)
def test_moderation_with_a_bad_next_is_saved_once_and_redirects_to_the_queue(
    app, moderator_client, make_comment, bad_next
):
    comment_id = make_comment()
    response = moderator_client.post(
        f"/admin/comments/{comment_id}/moderate",
        data={"action": "reject", "reason": "Off topic", "next": bad_next},
    )
    assert_safe_redirect(response, "/admin/")
    with app.app_context():
        assert db.session.get(Comment, comment_id).status == "rejected"
    assert [entry.reason for entry in audit_actions(app, "comment.reject")] == ["Off topic"]


def test_bulk_moderation_with_crlf_in_next_is_saved_once(app, moderator_client, make_comment):
    ids = [make_comment(), make_comment("A second comment.")]
    response = moderator_client.post(
        "/admin/comments/bulk",
        data={"action": "approve", "comment_id": [str(i) for i in ids], "next": BAD_NEXTS[0]},
    )
    assert_safe_redirect(response, "/admin/")
    with app.app_context():
        assert {db.session.get(Comment, i).status for i in ids} == {"approved"}
    assert len(audit_actions(app, "comment.approve")) == 2


def test_a_good_next_is_still_followed(app, moderator_client, make_comment):
    comment_id = make_comment()
    response = moderator_client.post(
        f"/admin/comments/{comment_id}/moderate",
        data={"action": "approve", "next": "/admin/?status=pending&q=a+b"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/?status=pending&q=a+b"

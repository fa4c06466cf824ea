"""The API's writes: polls created, edited, closed, reopened and featured; comments approved,
rejected and flagged; each audited under the key's name, bad input answered beside its field."""

from datetime import timedelta

import pytest

from poll.database.column_types import utcnow
from poll.database.models import AuditEntry, Comment, Poll
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from tests.api.conftest import bearer

NEW_POLL = {
    "title": "Should the city build a tram?",
    "question": "Should the city build the tram line?",
    "choices": ["Yes", "No", "Not sure"],
}


def audit_entries(app) -> list[tuple[str, str, str, int | None]]:
    with app.app_context():
        rows = db.session.execute(db.select(AuditEntry).order_by(AuditEntry.id)).scalars()
        return [(entry.action, entry.actor, entry.reason, entry.moderator_id) for entry in rows]


def only_api_entries(app) -> list[tuple[str, str, str, int | None]]:
    return [entry for entry in audit_entries(app) if entry[1].startswith("API key")]


def test_create_a_poll(app, client, polls_key):
    response = client.post("/api/v1/polls", headers=bearer(polls_key), json=NEW_POLL)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["slug"] == "should-the-city-build-a-tram"
    assert [choice["key"] for choice in body["choices"]] == ["yes", "no", "not-sure"]
    assert body["moderation_mode"] == "pre" and body["results_note"]
    with app.app_context():
        poll = poll_by_slug(body["slug"])
        assert poll.question == NEW_POLL["question"]
    assert only_api_entries(app) == [("poll.create", "API key polls tool", "", None)]


def test_create_with_every_field(app, client, polls_key):
    opens = (utcnow() + timedelta(days=1)).replace(microsecond=0)
    data = {
        **NEW_POLL,
        "slug": "tram-2026",
        "summary": "The council votes in March.",
        "opens_at": opens.isoformat(),
        "closes_at": (opens + timedelta(days=7)).isoformat(),
        "moderation_mode": "post",
        "results_visibility": "always",
        "embed_origins": ["https://news.example"],
        "results_note": "",
    }
    response = client.post("/api/v1/polls", headers=bearer(polls_key), json=data)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["slug"] == "tram-2026" and body["embed_origins"] == ["https://news.example"]
    assert body["is_open"] is False and body["results_note"] == ""
    with app.app_context():
        assert poll_by_slug("tram-2026").opens_at == opens


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"title": ""}, "title", "Please give a title."),
        ({"title": "   "}, "title", "Please give a title."),
        ({"title": "x" * 201}, "title", "200 characters or fewer"),
        ({"title": 42}, "title", "Not a valid string."),
        ({"title": "Bell\x07"}, "title", "control characters"),
        ({"question": None}, "question", "Field may not be null."),
        ({"summary": "x" * 5001}, "summary", "5,000 characters"),
        ({"choices": ["Only one"]}, "choices", "Length must be between 2 and 10."),
        ({"choices": ["Same", "same"]}, "choices", ""),
        ({"choices": []}, "choices", "Length must be between"),
        ({"choices": "Yes\nNo"}, "choices", "Not a valid list."),
        ({"choices": ["Yes\nNo", "Maybe"]}, "choices", "one line"),
        ({"choices": ["Yes", "x" * 201]}, "choices", "200 characters"),
        ({"slug": "Not A Slug"}, "slug", "lower-case letters"),
        ({"slug": "x" * 81}, "slug", "80 characters"),
        ({"opens_at": "tomorrow"}, "opens_at", "Not a valid datetime."),
        ({"opens_at": "2026-12-01T10:00:00"}, "opens_at", "Not a valid aware datetime."),
        ({"closes_at": "2000-01-01T00:00:00Z"}, "closes_at", "closing time must be after"),
        ({"moderation_mode": "never"}, "moderation_mode", "Must be one of"),
        ({"embed_origins": ["ftp://news.example"]}, "embed_origins", "https"),
        ({"colour": "red"}, "colour", "Unknown field."),
        ({"language": "xx"}, "language", "Choose one of the readers' languages"),
        ({"language": 7}, "language", "Not a valid string."),
    ],
)
def test_bad_poll_input_is_422_with_the_fields_message(app, client, polls_key, change, field, words):
    response = client.post("/api/v1/polls", headers=bearer(polls_key), json={**NEW_POLL, **change})
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert field in body["errors"], body
    assert any(words in message for message in body["errors"][field]), body
    with app.app_context():
        assert db.session.execute(db.select(Poll)).first() is None
    assert audit_entries(app) == [("api_key.create", "command line", "", None)]


@pytest.mark.parametrize("body", [None, "not json", [1, 2], {}])
def test_a_body_that_is_no_poll_is_refused(client, polls_key, body):
    if body == "not json":
        response = client.post(
            "/api/v1/polls", headers=bearer(polls_key), data="{not json", content_type="application/json"
        )
    else:
        response = client.post("/api/v1/polls", headers=bearer(polls_key), json=body)
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    assert set(response.get_json()) == {"code", "status", "message", "errors"}


def test_a_polls_language_is_set_cleared_and_draws_its_page(app, client, polls_key):
    created = client.post("/api/v1/polls", headers=bearer(polls_key), json={**NEW_POLL, "language": "ko"})
    assert created.status_code == 201, created.get_json()
    slug = created.get_json()["slug"]
    assert created.get_json()["language"] == "ko"
    page = client.application.test_client().get(f"/polls/{slug}")
    assert page.status_code == 200 and '<html lang="ko"' in page.get_data(as_text=True)

    cleared = client.patch(f"/api/v1/polls/{slug}", headers=bearer(polls_key), json={"language": None})
    assert cleared.status_code == 200 and cleared.get_json()["language"] is None
    page = client.application.test_client().get(f"/polls/{slug}")
    assert '<html lang="en"' in page.get_data(as_text=True)
    # A title edit leaves the language as it was.
    client.patch(f"/api/v1/polls/{slug}", headers=bearer(polls_key), json={"language": "ar"})
    edited = client.patch(f"/api/v1/polls/{slug}", headers=bearer(polls_key), json={"title": "Tram?"})
    assert edited.get_json()["language"] == "ar"


def test_a_taken_slug_is_409(client, polls_key, make_poll):
    make_poll("tram")
    response = client.post("/api/v1/polls", headers=bearer(polls_key), json={**NEW_POLL, "slug": "tram"})
    assert response.status_code == 409
    assert "Another poll already lives at /polls/tram." in response.get_json()["errors"]["slug"]


def test_edit_changes_only_what_is_sent(app, client, polls_key, make_poll):
    make_poll()
    response = client.patch(
        "/api/v1/polls/test-poll",
        headers=bearer(polls_key),
        json={"title": "A new title", "choices": ["Option A", "Option B"]},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["title"] == "A new title" and body["question"] == "Which one?"
    assert [choice["key"] for choice in body["choices"]] == ["a", "b"]
    (entry,) = only_api_entries(app)
    assert entry[0] == "poll.edit"


def test_edit_refuses_removing_a_choice_with_votes_and_a_slug_taken(app, client, polls_key, make_poll):
    make_poll()
    make_poll("other")
    voter = app.test_client()
    assert voter.post("/polls/test-poll/vote", data={"choice": "c"}).status_code in (302, 303)
    response = client.patch(
        "/api/v1/polls/test-poll", headers=bearer(polls_key), json={"choices": ["Option A", "Option B"]}
    )
    assert response.status_code == 422 and "choices" in response.get_json()["errors"]
    response = client.patch("/api/v1/polls/other", headers=bearer(polls_key), json={"slug": "test-poll"})
    assert response.status_code == 409 and "slug" in response.get_json()["errors"]
    assert client.patch("/api/v1/polls/nowhere", headers=bearer(polls_key), json={}).status_code == 404
    assert only_api_entries(app) == []


def test_close_reopen_and_feature(app, client, polls_key, make_poll):
    make_poll()
    close = client.post("/api/v1/polls/test-poll/close", headers=bearer(polls_key))
    assert close.status_code == 200 and close.get_json()["is_open"] is False
    again = client.post("/api/v1/polls/test-poll/close", headers=bearer(polls_key))
    assert again.status_code == 409 and again.get_json()["message"] == "This poll is already closed."
    reopen = client.post("/api/v1/polls/test-poll/reopen", headers=bearer(polls_key))
    assert reopen.status_code == 200 and reopen.get_json()["is_open"] is True
    assert client.post("/api/v1/polls/test-poll/reopen", headers=bearer(polls_key)).status_code == 409
    feature = client.post("/api/v1/polls/test-poll/feature", headers=bearer(polls_key))
    assert feature.get_json()["is_featured"] is True
    actions = [entry[0] for entry in only_api_entries(app)]
    assert actions == ["poll.close", "poll.reopen", "poll.feature"]


@pytest.mark.parametrize(
    ("action", "reason", "status"),
    [
        ("approve", "", "approved"),
        ("reject", "Personal attack", "rejected"),
        ("flag", "Check the claim", "flagged"),
    ],
)
def test_moderation_actions_are_audited_under_the_key(
    app, client, moderate_key, make_comment, action, reason, status
):
    comment_id = make_comment()
    response = client.post(
        f"/api/v1/comments/{comment_id}/{action}", headers=bearer(moderate_key), json={"reason": reason}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == status
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert comment.status == status and comment.moderated_by_id is None and comment.moderated_at
    assert only_api_entries(app) == [(f"comment.{action}", "API key moderate tool", reason, None)]


@pytest.mark.parametrize(
    ("action", "body", "words"),
    [
        ("reject", {}, "Please give a reason."),
        ("reject", {"reason": "   "}, "Please give a reason."),
        ("approve", {"reason": "x" * 501}, "500 characters"),
        ("flag", {"reason": 5}, "Not a valid string."),
        ("approve", {"reason": "ok", "extra": 1}, "Unknown field."),
        ("reject", {"reason": "Spam\u202e"}, ""),
    ],
)
def test_bad_moderation_input_is_422(app, client, moderate_key, make_comment, action, body, words):
    comment_id = make_comment()
    response = client.post(f"/api/v1/comments/{comment_id}/{action}", headers=bearer(moderate_key), json=body)
    assert response.status_code == 422, response.get_json()
    messages = [message for values in response.get_json()["errors"].values() for message in values]
    assert any(words in message for message in messages)
    with app.app_context():
        assert db.session.get(Comment, comment_id).status == "pending"
    assert only_api_entries(app) == []


def test_moderating_a_missing_comment_is_404(client, moderate_key):
    assert (
        client.post("/api/v1/comments/424242/approve", headers=bearer(moderate_key), json={}).status_code
        == 404
    )
    assert (
        client.post("/api/v1/comments/99999999999999999999/approve", headers=bearer(moderate_key)).status_code
        == 404
    )


def test_a_body_over_the_limit_is_413_in_the_apis_shape(client, polls_key):
    response = client.post(
        "/api/v1/polls", headers=bearer(polls_key), json={**NEW_POLL, "summary": "x" * 70_000}
    )
    assert response.status_code == 413
    assert set(response.get_json()) == {"code", "status", "message", "errors"}


def test_the_longest_address_a_poll_may_have_is_audited_whole(app, client, polls_key, make_poll):
    """Found by schemathesis on PostgreSQL: the audit entry's target held 60 characters, an address 80."""
    make_poll()
    longest = "a" * 39 + "-" + "b" * 40
    assert len(longest) == 80
    response = client.patch("/api/v1/polls/test-poll", headers=bearer(polls_key), json={"slug": longest})
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == "poll.edit")).scalar_one()
        assert entry.target_id == longest

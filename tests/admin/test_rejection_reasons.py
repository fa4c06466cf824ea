"""Preset rejection reasons: admins edit the list; moderators pick one, with their own words if they like."""

import pytest

from poll.database.models import AuditEntry, Comment, RejectionReason
from poll.debate.moderation import DEFAULT_REJECTION_REASONS
from poll.extensions import db


def reasons(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.execute(db.select(RejectionReason.text).order_by(RejectionReason.position)).scalars()
        )


def test_defaults_are_offered_until_admins_write_their_own(app, admin_client, moderator_client, make_comment):
    make_comment()
    queue = moderator_client.get("/admin/").get_data(as_text=True)
    # Numbered as the queue's keys 1-9 choose them.
    assert all(
        f'<option value="{text}">{number} {text}</option>' in queue
        for number, text in enumerate(DEFAULT_REJECTION_REASONS, start=1)
    )
    page = admin_client.get("/admin/rejection-reasons").get_data(as_text=True)
    assert "moderators choose from these defaults" in page
    assert (
        admin_client.post("/admin/rejection-reasons", data={"text": "  Shouting   in capitals "}).status_code
        == 302
    )
    assert reasons(app) == ["Shouting in capitals"]
    queue = moderator_client.get("/admin/").get_data(as_text=True)
    assert '<option value="Shouting in capitals">' in queue and DEFAULT_REJECTION_REASONS[0] not in queue
    with app.app_context():
        row_id = db.session.execute(db.select(RejectionReason.id)).scalar_one()
        entry = db.session.execute(
            db.select(AuditEntry).filter_by(action="rejection_reason.add")
        ).scalar_one()
        assert entry.after == {"text": "Shouting in capitals"}
    assert admin_client.post(f"/admin/rejection-reasons/{row_id}/remove").status_code == 302
    assert reasons(app) == []
    assert admin_client.post(f"/admin/rejection-reasons/{row_id}/remove").status_code == 404


def test_moderators_cannot_edit_the_list(moderator_client, app):
    assert moderator_client.get("/admin/rejection-reasons").status_code == 403
    assert moderator_client.post("/admin/rejection-reasons", data={"text": "Rude"}).status_code == 403
    assert reasons(app) == []


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Please write the reason."),
        ("   ", "Please write the reason."),
        ("x" * 201, "200 characters"),
        ("Rude\x07", "control characters"),
        ("Ru\u200bde", "invisible"),
        ("off TOPIC", "already on the list"),
    ],
)
def test_bad_reasons_are_refused(app, admin_client, text, message):
    admin_client.post("/admin/rejection-reasons", data={"text": "Off topic"})
    response = admin_client.post("/admin/rejection-reasons", data={"text": text})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert reasons(app) == ["Off topic"]


def test_the_chosen_reason_is_stored_for_the_author_and_in_the_audit(app, moderator_client, make_comment):
    preset_only, with_words, words_only = make_comment("One."), make_comment("Two."), make_comment("Three.")

    def reject(comment_id, **data):
        response = moderator_client.post(
            f"/admin/comments/{comment_id}/moderate", data={"action": "reject", **data}
        )
        assert response.status_code == 302

    reject(preset_only, preset="Off topic")
    reject(with_words, preset="Spam or advertising", reason="the same link five times")
    reject(words_only, reason="Not about this poll")
    with app.app_context():
        stored = {c.id: c.decision_reason for c in db.session.execute(db.select(Comment)).scalars()}
        logged = {
            int(e.target_id): e.reason
            for e in db.session.execute(db.select(AuditEntry).filter_by(action="comment.reject")).scalars()
        }
    assert (
        stored
        == logged
        == {
            preset_only: "Off topic",
            with_words: "Spam or advertising: the same link five times",
            words_only: "Not about this poll",
        }
    )

"""The poll editor's language field: one of the readers' languages or none, audited, a bad value refused
beside the field with what was typed kept."""

import pytest

from poll.database.models import AuditEntry, Poll
from poll.extensions import db
from tests.helpers import GOOD, actions, error_beside, stored


def test_a_new_poll_is_saved_with_its_language_and_its_page_is_in_it(app, admin_client, client):
    assert admin_client.post("/admin/polls/new", data={**GOOD, "language": "ko"}).status_code == 302
    assert stored(app, GOOD["slug"]).language == "ko"
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="poll.create")).scalar_one()
        assert entry.after["language"] == "ko"
    assert '<html lang="ko"' in client.get(f"/polls/{GOOD['slug']}").text


def test_no_language_is_stored_as_none(app, admin_client):
    assert admin_client.post("/admin/polls/new", data={**GOOD, "language": ""}).status_code == 302
    assert stored(app, GOOD["slug"]).language is None


def test_changing_the_language_is_audited_with_before_and_after(app, admin_client, debate_poll):
    page = admin_client.get(f"/admin/polls/{debate_poll}/edit").text
    assert '<option selected value="">Not set' in page
    assert '<option value="zh_Hans">Chinese (Simplified) (中文 (简体))</option>' in page
    data = {
        **GOOD,
        "slug": debate_poll,
        "choices": "A stronger military response\nDiplomatic engagement\nUndecided",
    }
    assert (
        admin_client.post(f"/admin/polls/{debate_poll}/edit", data={**data, "language": "ar"}).status_code
        == 302
    )
    assert stored(app, debate_poll).language == "ar"
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="poll.edit")).scalar_one()
        assert entry.before["language"] is None and entry.after["language"] == "ar"
    assert '<option selected value="ar">' in admin_client.get(f"/admin/polls/{debate_poll}/edit").text


@pytest.mark.parametrize("typed", ["xx", "de", "ko-KR", "<script>", "EN"])
def test_a_language_not_shipped_is_refused_beside_the_field(app, admin_client, debate_poll, typed):
    response = admin_client.post("/admin/polls/new", data={**GOOD, "language": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_beside(page, "language", "Not a valid choice"), page
    assert '<a href="#language">' in page
    assert "<script>" not in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Poll)) == 1
    assert actions(app) == []


def test_the_service_refuses_a_language_not_shipped(app, accounts):
    from poll.accounts.moderators import find
    from poll.database.column_types import utcnow
    from poll.polls.editing import PollError, add_poll

    with app.app_context():
        fields = {"slug": "x", "title": "X", "question": "Q?", "opens_at": utcnow(), "language": "de"}
        with pytest.raises(PollError) as refused:
            add_poll(fields, [("a", "A"), ("b", "B")], find("ada"), utcnow())
        assert refused.value.field == "language" and "ko" in str(refused.value)

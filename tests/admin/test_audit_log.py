"""The audit log: listed, filterable, never edited or deleted."""

import pytest

from poll.db_types import utcnow
from poll.extensions import db
from poll.models import AuditEntry
from poll.services import audit
from poll.services.audit import AuditLogIsAppendOnly


def test_entries_are_listed_newest_first_and_filterable(moderator_client, make_comment, debate_poll):
    first, second = make_comment("Talks one."), make_comment("Talks two.")
    moderator_client.post(f"/admin/comments/{first}/moderate", data={"action": "approve"})
    moderator_client.post(
        f"/admin/comments/{second}/moderate", data={"action": "reject", "reason": "Spam link"}
    )
    page = moderator_client.get("/admin/audit").get_data(as_text=True)
    table = page[page.index("<tbody>") :]
    assert table.index("comment.reject") < table.index("comment.approve")
    assert "Spam link" in page and '{"status": "pending"}' in page

    def table_of(url):
        page = moderator_client.get(url).get_data(as_text=True)
        return page[page.index("<tbody>") :]

    assert "comment.approve" not in table_of("/admin/audit?action=comment.reject")
    assert "comment.reject" in table_of(f"/admin/audit?poll={debate_poll}")
    assert "moderator.login" not in table_of(f"/admin/audit?poll={debate_poll}")
    future = table_of("/admin/audit?since=2999-01-01")
    assert "No entries match." in future
    odd = moderator_client.get("/admin/audit?since=yesterday&until=2026-13-45&actor=<x>&page=abc")
    assert odd.status_code == 200


def test_entries_cannot_be_edited_or_deleted(app, accounts):
    with app.app_context():
        entry = audit.record(None, "test.action", "thing", 1, utcnow())
        db.session.commit()
        entry.reason = "rewritten"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEntry, entry.id))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        assert db.session.get(AuditEntry, entry.id).reason == ""


def test_no_route_changes_the_log(app):
    methods = {
        method
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin/audit")
        for method in rule.methods
    }
    assert methods <= {"GET", "HEAD", "OPTIONS"}

"""The audit log: listed, filterable, never edited or deleted."""

import pytest

from poll.accounts import audit
from poll.accounts.audit import AuditLogIsAppendOnly
from poll.database.column_types import utcnow
from poll.database.models import AuditEntry
from poll.extensions import db


def test_entries_are_listed_newest_first_and_filterable(moderator_client, make_comment, debate_poll):
    first, second = make_comment("Talks one."), make_comment("Talks two.")
    moderator_client.post(f"/admin/comments/{first}/moderate", data={"action": "approve"})
    moderator_client.post(
        f"/admin/comments/{second}/moderate", data={"action": "reject", "reason": "Spam link"}
    )
    page = moderator_client.get("/admin/audit").get_data(as_text=True)
    table = page[page.index("<tbody>") :]
    assert table.index("comment.reject") < table.index("comment.approve")
    assert (
        "Spam link" in page and "status: pending → rejected" in page and "status: pending → approved" in page
    )
    assert '{"status"' not in page  # words, not JSON
    assert f'href="/admin/?comment={second}"' in page

    def table_of(url):
        page = moderator_client.get(url).get_data(as_text=True)
        return page[page.index("<tbody>") :]

    assert "comment.approve" not in table_of("/admin/audit?action=comment.reject")
    assert "comment.reject" in table_of(f"/admin/audit?poll={debate_poll}")
    assert "moderator.login" not in table_of(f"/admin/audit?poll={debate_poll}")
    # A mute carries no poll, but muting one of the poll's commenters is about the poll.
    moderator_client.post(f"/admin/comments/{second}/mute", data={"reason": "Spam again", "duration": "1d"})
    assert "voter.mute" in table_of(f"/admin/audit?poll={debate_poll}")
    future = table_of("/admin/audit?since=2999-01-01")
    assert "No entries match." in future
    odd = moderator_client.get("/admin/audit?since=yesterday&until=2026-13-45&actor=<x>&page=abc")
    assert odd.status_code == 200


def test_entry_times_read_in_the_newsrooms_zone_with_the_exact_moment_in_the_markup(
    app, moderator_client, make_comment
):
    from zoneinfo import ZoneInfo

    app.config["TIMEZONE"] = "Asia/Seoul"
    moderator_client.post(f"/admin/comments/{make_comment('Talks.')}/moderate", data={"action": "approve"})
    with app.app_context():
        stamp = db.session.scalars(db.select(AuditEntry.created_at).order_by(AuditEntry.id.desc())).first()
    seoul = stamp.astimezone(ZoneInfo("Asia/Seoul"))
    page = moderator_client.get("/admin/audit").get_data(as_text=True)
    assert f'<time datetime="{stamp.isoformat()}"' in page
    assert f">{seoul.day} {seoul:%b %Y, %H:%M:%S} KST</time>" in page


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


def test_targets_link_to_the_comment_poll_or_moderator(app, admin_client, make_comment, debate_poll):
    comment_id = make_comment("Talks one.")
    admin_client.post(
        f"/admin/comments/{comment_id}/moderate", data={"action": "reject", "reason": "Off topic"}
    )
    with app.app_context():
        audit.record(
            None,
            "poll.close",
            "poll",
            debate_poll,
            utcnow(),
            before={"closes_at": None},
            after={"closes_at": "2026-12-01 10:00"},
        )
        audit.record(
            None,
            "moderator.disable",
            "moderator",
            "mo",
            utcnow(),
            before={"disabled": False},
            after={"disabled": True},
        )
        audit.record(
            None,
            "poll.feature",
            "poll",
            debate_poll,
            utcnow(),
            before={"featured": ["a", "b"]},
            after={"featured": []},
        )
        db.session.commit()
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert f'href="/admin/?comment={comment_id}">comment {comment_id}</a>' in page
    assert f'href="/admin/polls/{debate_poll}/dashboard">poll {debate_poll}</a>' in page
    assert 'href="/admin/audit?actor=mo">moderator mo</a>' in page
    assert "closes at: none → 2026-12-01 10:00" in page
    assert "disabled: no → yes" in page and "featured: a, b → none" in page
    # The queue filtered to one comment shows it whatever its status.
    queue = admin_client.get(f"/admin/?comment={comment_id}").get_data(as_text=True)
    assert "Talks one." in queue and queue.count('data-comment-id="') == 1


def test_the_audit_log_is_paged_and_filtered_by_day_with_bad_values_ignored(
    app, moderator_client, make_comment
):
    app.config["QUEUE_PER_PAGE"] = 2
    for n in range(5):
        comment_id = make_comment(f"Talks {n}.")
        moderator_client.post(f"/admin/comments/{comment_id}/moderate", data={"action": "approve"})

    def table_of(**params):
        page = moderator_client.get("/admin/audit", query_string=params).get_data(as_text=True)
        return page, page[page.index("<tbody>") : page.index("</tbody>")]

    page, rows = table_of(action="comment.approve")
    assert rows.count("comment.approve") == 2 and "Page 1 of 3" in page
    assert 'href="/admin/audit?page=2&amp;action=comment.approve" rel="next"' in page
    _, last = table_of(action="comment.approve", page=3)
    assert last.count("comment.approve") == 1
    today = utcnow().date().isoformat()
    _, from_today = table_of(action="comment.approve", since=today, until=today)
    assert from_today.count("comment.approve") == 2
    _, tomorrow_on = table_of(since="2999-01-01")
    assert "No entries match." in tomorrow_on
    page, ignored = table_of(action="comment.approve", since="not-a-day", actor="nobody-at-all", page="x")
    assert ignored.count("comment.approve") == 2 and 'value="not-a-day"' not in page

"""XSS payloads through comment body and display name: escaped on every page, defused in every CSV.

Most are stored through the service, as a bypass or an older version might have stored
them; the form takes them too (text that looks like markup is text), stored as typed."""

import csv
import io

import pytest

from poll.database.column_types import utcnow
from poll.database.models import MODERATION_POST
from poll.debate.comments import post_comment
from poll.extensions import db
from poll.polls.finding import poll_by_slug

PAYLOADS = [
    "<script>alert('x1')</script>",
    '"><img src=x onerror=alert("x2")>',
    "<svg/onload=alert('x3')>",
    "javascript:alert('x4')",
    "<a href=\"javascript:alert('x5')\">click</a>",
    "</textarea><script>alert('x6')</script>",
    "{{ 7*7 }}{% raw %}x7{% endraw %}",
    "<iframe srcdoc=\"<script>alert('x8')</script>\"></iframe>",
    '=HYPERLINK("http://evil.example","x9")',
    "+cmd|' /C calc'!A0",
]


@pytest.fixture
def hostile(app, make_poll, accounts, moderator_client):
    slug = make_poll("hostile", moderation_mode=MODERATION_POST)
    with app.app_context():
        poll = poll_by_slug(slug)
        for index, payload in enumerate(PAYLOADS):
            post_comment(poll, f"{index:032d}", f"Body {payload}", payload[:50], "", utcnow())
        db.session.commit()
    response = moderator_client.post(
        "/admin/comments/1/moderate", data={"action": "reject", "reason": "Script injection"}
    )
    assert response.status_code == 302
    return slug


def assert_escaped(html: str):
    for marker in ("<script>alert", "<img src=x", "<svg/onload", "<iframe", 'href="javascript:'):
        assert marker not in html, marker


def test_payloads_are_escaped_on_every_page(client, moderator_client, hostile):
    pages = [
        client.get(f"/polls/{hostile}/debate"),
        moderator_client.get("/admin/"),
        moderator_client.get("/admin/?q=script"),
        moderator_client.get(f"/admin/polls/{hostile}/dashboard"),
        moderator_client.get("/admin/audit"),
    ]
    for response in pages:
        assert response.status_code == 200
        assert_escaped(response.get_data(as_text=True))
    debate = pages[0].get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x1&#39;)&lt;/script&gt;" not in debate  # rejected: not public
    assert "&lt;svg/onload=alert(&#39;x3&#39;)&gt;" in debate
    assert "{{ 7*7 }}" in debate  # shown as typed: templates never evaluate user text


def test_payloads_are_defused_in_every_csv(moderator_client, hostile):
    for kind in ("comments", "audit"):
        text = moderator_client.get(f"/admin/export/{kind}.csv?poll={hostile}").get_data(as_text=True)
        for row in list(csv.reader(io.StringIO(text, newline=""), strict=True))[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    names = [
        row[3]
        for row in csv.reader(
            io.StringIO(
                moderator_client.get(f"/admin/export/comments.csv?poll={hostile}").get_data(as_text=True),
                newline="",
            )
        )
    ]
    assert '\'=HYPERLINK("http://evil.example","x9")' in names


def test_payloads_posted_through_the_form_are_stored_as_typed_and_shown_as_text(app, client, make_poll):
    from poll.database.models import Comment

    slug = make_poll("typed", moderation_mode=MODERATION_POST)
    for payload in PAYLOADS:
        data = {"body": f"Body {payload}", "display_name": payload[:50]}
        assert client.post(f"/polls/{slug}/comments", data=data).status_code == 302
    with app.app_context():
        rows = db.session.execute(db.select(Comment.body, Comment.display_name).order_by(Comment.id)).all()
        # The author sees a rejection reason that looks like markup as text as well.
        db.session.execute(
            db.update(Comment)
            .where(Comment.id == 1)
            .values(status="rejected", decision_reason="<script>alert('r1')</script>")
        )
        db.session.commit()
    assert [tuple(row) for row in rows] == [(f"Body {payload}", payload[:50]) for payload in PAYLOADS]
    for page in (client.get(f"/polls/{slug}/debate"), app.test_client().get(f"/polls/{slug}/debate")):
        html = page.get_data(as_text=True)
        assert_escaped(html)
        assert "{{ 7*7 }}" in html and "&lt;/textarea&gt;&lt;script&gt;" in html
    assert "&lt;script&gt;alert(&#39;r1&#39;)&lt;/script&gt;" in client.get(f"/polls/{slug}/debate").get_data(
        as_text=True
    )

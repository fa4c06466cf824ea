"""Admins create, edit, close, reopen and feature polls; each change is audited."""

import pytest

from poll.extensions import db
from poll.models import AuditEntry, Poll
from poll.services.polls import poll_by_slug

GOOD = {
    "slug": "sanctions-2026",
    "title": "Sanctions: tighter or looser?",
    "question": "Should sanctions on Pyongyang be tightened?",
    "summary": "First paragraph.\n\nSecond paragraph.",
    "choices": "tighter: Tighten them\nlooser: Ease them\nundecided: Undecided",
    "opens_at": "2026-01-01T09:00",
    "closes_at": "",
    "moderation_mode": "post",
    "results_visibility": "always",
}


def stored(app, slug):
    with app.app_context():
        poll = poll_by_slug(slug)
        if poll is not None:
            _ = poll.choices
            db.session.expunge_all()
        return poll


def actions(app):
    with app.app_context():
        return list(
            db.session.execute(db.select(AuditEntry.action).where(AuditEntry.action.like("poll.%"))).scalars()
        )


def test_create_poll(app, admin_client, client):
    response = admin_client.post("/admin/polls/new", data=GOOD)
    assert response.status_code == 302
    poll = stored(app, "sanctions-2026")
    assert [c.key for c in poll.choices] == ["tighter", "looser", "undecided"]
    assert poll.moderation_mode == "post" and poll.results_visibility == "always"
    assert poll.opens_at.isoformat() == "2026-01-01T09:00:00+00:00"
    assert actions(app) == ["poll.create"]
    assert "Should sanctions on Pyongyang be tightened?" in client.get("/polls/sanctions-2026").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "change, message",
    [
        ({"slug": ""}, "Please give the poll an address"),
        ({"slug": "Bad Slug!"}, "lower-case letters"),
        ({"slug": "north-korea-missile-response"}, "Another poll already lives"),
        ({"title": ""}, "Please give a title"),
        ({"title": "t" * 201}, "200 characters"),
        ({"question": "<script>alert(1)</script>"}, "plain text"),
        ({"choices": "only: One"}, "2 to 10 choices"),
        ({"choices": "a: A\na: Again"}, "its own key"),
        ({"choices": "no label line\nb: B"}, "key: label"),
        ({"choices": "Bad Key: A\nb: B"}, "lower-case letters"),
        ({"opens_at": "yesterday"}, "Not a valid datetime"),
        ({"opens_at": ""}, "Please give an opening time"),
        ({"closes_at": "2025-01-01T00:00"}, "closing time must be after"),
        ({"moderation_mode": "none"}, "Not a valid choice"),
        ({"results_visibility": ["always", "after_vote"]}, "only once"),
        ({"embed_origins": "news.example"}, "Line 1: news.example: start with https://"),
        ({"embed_origins": "https://news.example\nhttps://news.example/article"}, "Line 2:"),
        ({"embed_origins": "https://news.example 'unsafe-inline'"}, "without a page path"),
        ({"results_note": "n" * 201}, "200 characters"),
        ({"results_note": "<b>bold</b>"}, "plain text"),
    ],
)
def test_bad_poll_input_stores_nothing_and_says_why(app, admin_client, debate_poll, change, message):
    response = admin_client.post("/admin/polls/new", data={**GOOD, **change})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Poll)) == 1
    assert actions(app) == []


def test_edit_seeded_poll_records_what_changed(app, admin_client, debate_poll):
    page = admin_client.get(f"/admin/polls/{debate_poll}/edit").get_data(as_text=True)
    assert "military: A stronger military response" in page
    data = {
        **GOOD,
        "slug": debate_poll,
        "title": "New title",
        "choices": "military: Military response\ndiplomacy: Diplomatic engagement\nundecided: Undecided",
    }
    assert admin_client.post(f"/admin/polls/{debate_poll}/edit", data=data).status_code == 302
    poll = stored(app, debate_poll)
    assert poll.title == "New title" and poll.choices[0].label == "Military response"
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="poll.edit")).scalar_one()
        assert entry.before["title"].startswith("North Korea") and entry.after["title"] == "New title"


def test_choice_with_votes_cannot_be_removed(app, admin_client, client, debate_poll):
    client.post(f"/polls/{debate_poll}/vote", data={"choice": "military"})
    data = {**GOOD, "slug": debate_poll, "choices": "diplomacy: Diplomatic engagement\nundecided: Undecided"}
    response = admin_client.post(f"/admin/polls/{debate_poll}/edit", data=data)
    assert response.status_code == 400
    assert "has votes, so it cannot be removed" in response.get_data(as_text=True)
    assert [c.key for c in stored(app, debate_poll).choices] == ["military", "diplomacy", "undecided"]


def test_close_and_reopen(app, admin_client, client, debate_poll):
    assert admin_client.post(f"/admin/polls/{debate_poll}/close").status_code == 302
    assert client.post(f"/polls/{debate_poll}/vote", data={"choice": "military"}).status_code == 403
    admin_client.post(f"/admin/polls/{debate_poll}/close")
    assert "already closed" in admin_client.get("/admin/polls").get_data(as_text=True)
    admin_client.post(f"/admin/polls/{debate_poll}/reopen")
    assert client.post(f"/polls/{debate_poll}/vote", data={"choice": "military"}).status_code == 302
    assert actions(app) == ["poll.close", "poll.reopen"]


def test_feature_moves_the_front_page(app, admin_client, client, debate_poll):
    admin_client.post("/admin/polls/new", data=GOOD)
    admin_client.post("/admin/polls/sanctions-2026/feature")
    assert "Should sanctions on Pyongyang be tightened?" in client.get("/").get_data(as_text=True)
    assert not stored(app, debate_poll).is_featured
    assert actions(app) == ["poll.create", "poll.feature"]


def test_unknown_poll_pages_are_404(admin_client):
    assert admin_client.get("/admin/polls/nope/edit").status_code == 404
    assert admin_client.post("/admin/polls/nope/close").status_code == 404
    assert admin_client.get("/admin/polls/nope/dashboard").status_code == 404


def test_embedding_sites_and_the_results_note_are_saved_and_used(app, admin_client, client, debate_poll):
    data = {
        **GOOD,
        "slug": debate_poll,
        "choices": "military: Military\ndiplomacy: Diplomacy\nundecided: Undecided",
        "embed_origins": "https://News.Example/\nhttps://*.news.example",
        "results_note": "Readers who chose to answer.",
    }
    assert admin_client.post(f"/admin/polls/{debate_poll}/edit", data=data).status_code == 302
    poll = stored(app, debate_poll)
    assert poll.embed_origins == "https://news.example\nhttps://*.news.example"
    assert poll.results_note == "Readers who chose to answer."
    policy = client.get(f"/polls/{debate_poll}/embed").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://news.example https://*.news.example" in policy
    dashboard = admin_client.get(f"/admin/polls/{debate_poll}/dashboard").get_data(as_text=True)
    assert (
        f"&lt;script async src=&#34;http://localhost/static/js/embed.js&#34; data-poll=&#34;{debate_poll}&#34;"
        in dashboard
    )
    assert f"&lt;iframe src=&#34;http://localhost/polls/{debate_poll}/embed&#34;" in dashboard
    assert "<code>https://news.example</code>" in dashboard


def test_a_refused_embedding_site_keeps_what_the_editor_typed(app, admin_client, debate_poll):
    typed = "https://news.example\nhttps://news.example/page"
    data = {**GOOD, "slug": debate_poll, "embed_origins": typed}
    response = admin_client.post(f"/admin/polls/{debate_poll}/edit", data=data)
    assert response.status_code == 400
    assert "https://news.example/page</textarea>" in response.get_data(as_text=True)
    assert stored(app, debate_poll).embed_origins == ""


def test_a_new_poll_starts_with_the_survey_note_and_no_embedding_site(admin_client):
    page = admin_client.get("/admin/polls/new").get_data(as_text=True)
    assert 'value="Readers&#39; poll: not a scientific survey."' in page
    assert "No site may embed" not in page

"""Admins create, edit, close, reopen and feature polls, each change audited; embedding sites and texts."""

from markupsafe import escape

from poll.database.models import AuditEntry
from poll.extensions import db
from tests.helpers import GOOD, actions, stored


def test_create_poll(app, admin_client, client):
    response = admin_client.post("/admin/polls/new", data=GOOD)
    assert response.status_code == 302
    poll = stored(app, "sanctions-2026")
    assert [c.key for c in poll.choices] == ["tighten-them", "ease-them", "undecided"]
    assert [c.label for c in poll.choices] == ["Tighten them", "Ease them", "Undecided"]
    assert poll.moderation_mode == "post" and poll.results_visibility == "always"
    assert poll.opens_at.isoformat() == "2026-01-01T09:00:00+00:00"
    # "Undecided" reads as no position: left unmapped, it stands for neutral (see the tests under Sides).
    assert [c.side for c in poll.choices] == [None, None, "neutral"]
    assert actions(app) == ["poll.create", "poll.map_sides"]
    assert "Should sanctions on Pyongyang be tightened?" in client.get("/polls/sanctions-2026").get_data(
        as_text=True
    )


def test_edit_seeded_poll_records_what_changed(app, admin_client, debate_poll):
    page = admin_client.get(f"/admin/polls/{debate_poll}/edit").get_data(as_text=True)
    assert "A stronger military response\nDiplomatic engagement\nUndecided</textarea>" in page
    assert "military:" not in page
    data = {
        **GOOD,
        "slug": debate_poll,
        "title": "New title",
        "choices": "Military response\nDiplomatic engagement\nUndecided",
    }
    assert admin_client.post(f"/admin/polls/{debate_poll}/edit", data=data).status_code == 302
    poll = stored(app, debate_poll)
    assert poll.title == "New title" and poll.choices[0].label == "Military response"
    assert [c.key for c in poll.choices] == ["military", "diplomacy", "undecided"]
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="poll.edit")).scalar_one()
        assert entry.before["title"].startswith("North Korea") and entry.after["title"] == "New title"


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
    assert actions(app) == ["poll.create", "poll.map_sides", "poll.feature"]  # map_sides: "Undecided" neutral


def test_unknown_poll_pages_are_404(admin_client):
    assert admin_client.get("/admin/polls/nope/edit").status_code == 404
    assert admin_client.post("/admin/polls/nope/close").status_code == 404
    assert admin_client.get("/admin/polls/nope/dashboard").status_code == 404


def test_embedding_sites_and_the_results_note_are_saved_and_used(app, admin_client, client, debate_poll):
    data = {
        **GOOD,
        "slug": debate_poll,
        "choices": "Military\nDiplomacy\nUndecided",
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


def test_poll_texts_that_look_like_code_are_stored_as_typed_and_shown_escaped(app, admin_client, client):
    """No false refusals: "--", "=" and tags are words in a poll's texts, shown as text."""
    texts = {
        "title": "<b>not bold</b> -- a poll",
        "question": 'Trump promised "fire and fury" -- then held three summits. And now?',
        "summary": "The onus=on Beijing.\n\n<script>alert(1)</script>",
    }
    assert admin_client.post("/admin/polls/new", data={**GOOD, **texts}).status_code == 302
    poll = stored(app, GOOD["slug"])
    assert (poll.title, poll.question, poll.summary) == (texts["title"], texts["question"], texts["summary"])
    page = client.get(f"/polls/{GOOD['slug']}").get_data(as_text=True)
    assert str(escape("<b>not bold</b> -- a poll")) in page and "<b>not bold" not in page
    assert "The onus=on Beijing." in page and "<script>alert(1)" not in page

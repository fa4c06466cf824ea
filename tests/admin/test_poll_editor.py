"""The poll editor's form: refusals beside the field, times in the newsroom's zone, the preview."""

from datetime import UTC, datetime

import pytest
from markupsafe import escape

from poll.database.models import Poll
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from tests.helpers import GOOD, actions, error_beside, stored


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"slug": "Bad Slug!"}, "slug", "lower-case letters"),
        ({"slug": "north-korea-missile-response"}, "slug", "Another poll already lives"),
        ({"slug": "s" * 81}, "slug", "keep your address to 80 characters"),
        ({"title": ""}, "title", "Please give a title"),
        ({"title": "t" * 201}, "title", "200 characters"),
        ({"question": ""}, "question", "Please give the question"),
        ({"question": "Bell \x07 here?"}, "question", "control characters"),
        ({"summary": "s" * 5001}, "summary", "5,000 characters"),
        ({"choices": ""}, "choices", "Please list the choices"),
        ({"choices": "Only one"}, "choices", "2 to 10 choices"),
        ({"choices": "\n".join(f"Answer {n}" for n in range(11))}, "choices", "2 to 10 choices"),
        ({"choices": "Yes\nNo\n yes "}, "choices", "Line 3 repeats line 1 (yes)"),
        ({"choices": "Yes\n" + "n" * 201}, "choices", "Line 2: keep the label to 200 characters"),
        ({"choices": "Yes\nNo\u200b"}, "choices", "invisible formatting characters"),
        ({"opens_at": "yesterday"}, "opens_at", "Not a valid datetime"),
        ({"opens_at": ""}, "opens_at", "Please give an opening time"),
        ({"closes_at": "2025-01-01T00:00"}, "closes_at", "closing time must be after"),
        ({"moderation_mode": "none"}, "moderation_mode", "Not a valid choice"),
        ({"results_visibility": ["always", "after_vote"]}, "results_visibility", "only once"),
        ({"embed_origins": "news.example"}, "embed_origins", "Line 1: news.example: start with https://"),
        ({"embed_origins": "https://news.example\nhttps://news.example/article"}, "embed_origins", "Line 2:"),
        ({"embed_origins": "https://news.example 'unsafe-inline'"}, "embed_origins", "without a page path"),
        ({"results_note": "n" * 201}, "results_note", "200 characters"),
        ({"results_note": "Bell \x07"}, "results_note", "control characters"),
        ({"side-ease-them-side": "military"}, "side-ease-them-side", "Choose one of the listed sides"),
        ({"side-ease-them-side": "<script>"}, "side-ease-them-side", "Choose one of the listed sides"),
        ({"side-ease-them-side": ["", "neutral"]}, "side-ease-them-side", "only once"),
        (
            {"side-ease-them-side": "tighten-them", "side-tighten-them-side": "undecided"},
            "side-ease-them-side",
            "“Tighten them” stands with another side itself",
        ),
        ({"side-ease-them-heading": "h" * 121}, "side-ease-them-heading", "120 characters"),
        ({"side-ease-them-heading": "For \u202eits"}, "side-ease-them-heading", "invisible formatting"),
    ],
)
def test_bad_poll_input_stores_nothing_says_why_beside_the_field_and_keeps_the_text(
    app, admin_client, debate_poll, change, field, message
):
    response = admin_client.post("/admin/polls/new", data={**GOOD, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_beside(page, field, message), page
    assert f'<a href="#{field}">' in page, "the summary above the form links to the field"
    for name, typed in change.items():
        if isinstance(typed, str) and "\x07" not in typed and name != "side-ease-them-side":
            assert str(escape(typed.strip())) in page, f"{name}: the form should keep what was typed"
    assert "<script>" not in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Poll)) == 1
    assert actions(app) == []


def test_a_missing_field_is_a_message_not_a_crash(app, admin_client, debate_poll):
    for name in GOOD:
        data = {key: value for key, value in {**GOOD, "slug": debate_poll}.items() if key != name}
        response = admin_client.post(f"/admin/polls/{debate_poll}/edit", data=data)
        assert response.status_code == (302 if name in ("summary", "closes_at") else 400), name
    assert admin_client.post(f"/admin/polls/{debate_poll}/edit", data={}).status_code == 400


def test_the_new_poll_page_loads_the_editor_script_and_no_inline_code(admin_client):
    page = admin_client.get("/admin/polls/new").get_data(as_text=True)
    assert '<script src="/static/js/poll-editor.js" defer></script>' in page
    assert 'data-slug-from="title"' in page
    assert "style=" not in page and "<script>" not in page and " onclick=" not in page
    assert admin_client.get("/static/js/poll-editor.js").status_code == 200


# Times in the newsroom's zone ------------------------------------------------------------------------


def test_times_are_typed_and_shown_in_the_newsroom_zone_and_stored_in_utc(app, admin_client):
    app.config["TIMEZONE"] = "Europe/London"
    page = admin_client.get("/admin/polls/new").get_data(as_text=True)
    assert '<label for="opens_at">Opens (Europe/London)</label>' in page
    assert '<label for="closes_at">Closes (Europe/London, optional)</label>' in page
    data = {**GOOD, "opens_at": "2026-07-01T09:00", "closes_at": "2026-12-01T18:30"}
    assert admin_client.post("/admin/polls/new", data=data).status_code == 302
    poll = stored(app, GOOD["slug"])
    assert poll.opens_at == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # BST
    assert poll.closes_at == datetime(2026, 12, 1, 18, 30, tzinfo=UTC)  # GMT
    page = admin_client.get(f"/admin/polls/{GOOD['slug']}/edit").get_data(as_text=True)
    assert 'value="2026-07-01T09:00"' in page and 'value="2026-12-01T18:30"' in page
    app.config["TIMEZONE"] = "Asia/Seoul"
    page = admin_client.get(f"/admin/polls/{GOOD['slug']}/edit").get_data(as_text=True)
    assert 'value="2026-07-01T17:00"' in page and "Opens (Asia/Seoul)" in page


def test_a_time_the_clocks_skip_is_refused_with_a_message(app, admin_client):
    app.config["TIMEZONE"] = "Europe/London"
    data = {**GOOD, "opens_at": "2026-03-29T01:30"}
    response = admin_client.post("/admin/polls/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_beside(page, "opens_at", "There is no 01:30 on 29 March 2026 in Europe/London")
    assert "such as 02:30" in page and 'value="2026-03-29T01:30"' in page
    assert stored(app, GOOD["slug"]) is None


def test_a_time_that_happens_twice_is_the_first_and_the_editor_is_told(app, admin_client):
    app.config["TIMEZONE"] = "Europe/London"
    data = {**GOOD, "opens_at": "2026-10-25T01:30"}
    preview = admin_client.post("/admin/polls/new", data={**data, "preview": "Preview"}).get_data(
        as_text=True
    )
    assert "happens twice in Europe/London" in preview and "00:30 UTC" in preview
    response = admin_client.post("/admin/polls/new", data=data, follow_redirects=True)
    assert "taken as the first, 00:30 UTC" in response.get_data(as_text=True)
    assert stored(app, GOOD["slug"]).opens_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_saving_again_keeps_the_second_of_two_same_looking_times(app, admin_client, debate_poll):
    app.config["TIMEZONE"] = "Europe/London"
    second = datetime(2026, 10, 25, 1, 30, 15, tzinfo=UTC)  # 01:30:15 GMT, after the clocks went back
    with app.app_context():
        poll_by_slug(debate_poll).opens_at = second
        db.session.commit()
    page = admin_client.get(f"/admin/polls/{debate_poll}/edit").get_data(as_text=True)
    assert 'value="2026-10-25T01:30"' in page
    data = {**GOOD, "slug": debate_poll, "opens_at": "2026-10-25T01:30", "choices": "A\nB\nC"}
    assert admin_client.post(f"/admin/polls/{debate_poll}/edit", data=data).status_code == 302
    assert stored(app, debate_poll).opens_at == second


# Preview ---------------------------------------------------------------------------------------------


def test_preview_shows_the_poll_as_readers_will_and_saves_nothing(app, admin_client, debate_poll):
    data = {
        **GOOD,
        "slug": "",
        "title": "Car-free centre?",
        "summary": "The council votes in May.\n\nShops are split.",
        "choices": "Yes: but slowly\nNo\nNot sure",
        "results_note": "Readers who chose to answer.",
        "preview": "Preview",
    }
    response = admin_client.post("/admin/polls/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Preview: not saved yet" in page
    assert '<h3 class="editor-preview__title">Car-free centre?</h3>' in page
    assert "<p>The council votes in May.</p><p>Shops are split.</p>" in page
    assert '<span class="choice__label">Yes: but slowly</span>' in page
    assert "<td><code>yes-but-slowly</code></td>" in page and "<td><code>not-sure</code></td>" in page
    assert "<code>/polls/car-free-centre</code> (an address made from the title)" in page
    assert "Readers who chose to answer." in page
    # The form is still filled, with the address it would use.
    assert "Yes: but slowly\nNo\nNot sure</textarea>" in page
    assert 'name="slug" type="text" value="car-free-centre"' in page
    assert 'formaction="/admin/polls/new#editor-preview"' in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Poll)) == 1
    assert actions(app) == []
    saved = {key: value for key, value in data.items() if key != "preview"} | {"save": "Save poll"}
    assert admin_client.post("/admin/polls/new", data=saved).status_code == 302
    assert stored(app, "car-free-centre").summary == "The council votes in May.\n\nShops are split."


def test_a_refused_preview_is_the_form_with_its_messages(app, admin_client):
    response = admin_client.post(
        "/admin/polls/new", data={**GOOD, "choices": "Only one", "preview": "Preview"}
    )
    assert response.status_code == 400
    assert "Preview: not saved yet" not in response.get_data(as_text=True)


def test_preview_of_an_edit_changes_nothing(app, admin_client, debate_poll):
    data = {**GOOD, "slug": debate_poll, "title": "Changed", "choices": "Military\nTalks", "preview": "1"}
    response = admin_client.post(f"/admin/polls/{debate_poll}/edit", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<td><del>Undecided</del></td>" in page
    poll = stored(app, debate_poll)
    assert poll.title.startswith("North Korea") and len(poll.choices) == 3
    assert actions(app) == []

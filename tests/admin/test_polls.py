"""Admins create, edit, close, reopen and feature polls; each change is audited. The editor takes one
choice label per line (keys are derived and kept), makes the address from the title, takes times in the
newsroom's zone, previews without saving, and maps choices to debate sides."""

import re
from datetime import UTC, datetime

import pytest
from markupsafe import escape

from poll.database.column_types import utcnow
from poll.database.models import AuditEntry, Poll
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote

GOOD = {
    "slug": "sanctions-2026",
    "title": "Sanctions: tighter or looser?",
    "question": "Should sanctions on Pyongyang be tightened?",
    "summary": "First paragraph.\n\nSecond paragraph.",
    "choices": "Tighten them\nEase them\nUndecided",
    "opens_at": "2026-01-01T09:00",
    "closes_at": "",
    "moderation_mode": "post",
    "results_visibility": "always",
}


def stored(app, slug):
    with app.app_context():
        poll = poll_by_slug(slug)
        if poll is not None:
            _ = [choice.vote_count for choice in poll.choices]  # deferred: loaded while attached
            db.session.expunge_all()
        return poll


def actions(app):
    with app.app_context():
        return list(
            db.session.execute(db.select(AuditEntry.action).where(AuditEntry.action.like("poll.%"))).scalars()
        )


def error_beside(page: str, field_id: str, message: str) -> bool:
    """Whether ``message`` is in the error list shown with the field ``field_id``."""
    match = re.search(rf'<ul class="field-errors" id="{re.escape(field_id)}-errors">(.*?)</ul>', page, re.S)
    return match is not None and str(escape(message)) in match.group(1)


def vote(app, slug, key, times=1):
    with app.app_context():
        poll = poll_by_slug(slug)
        for number in range(times):
            cast_vote(poll, poll.choice_by_key(key), f"{key}{number}".ljust(32, "0"), utcnow())
        db.session.commit()


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


def test_every_side_neutral_is_refused_beside_the_sides(app, admin_client):
    data = {**GOOD, **{f"side-{key}-side": "neutral" for key in ("tighten-them", "ease-them", "undecided")}}
    response = admin_client.post("/admin/polls/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<p class="field-errors" role="alert">At least two choices must stand for different sides.' in page
    assert stored(app, GOOD["slug"]) is None


def test_a_missing_field_is_a_message_not_a_crash(app, admin_client, debate_poll):
    for name in GOOD:
        data = {key: value for key, value in {**GOOD, "slug": debate_poll}.items() if key != name}
        response = admin_client.post(f"/admin/polls/{debate_poll}/edit", data=data)
        assert response.status_code == (302 if name in ("summary", "closes_at") else 400), name
    assert admin_client.post(f"/admin/polls/{debate_poll}/edit", data={}).status_code == 400


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


def test_choice_with_votes_cannot_be_removed(app, admin_client, client, debate_poll):
    client.post(f"/polls/{debate_poll}/vote", data={"choice": "military"})
    data = {**GOOD, "slug": debate_poll, "choices": "Diplomatic engagement\nUndecided"}
    response = admin_client.post(f"/admin/polls/{debate_poll}/edit", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error_beside(page, "choices", "has votes, so it cannot be removed")
    assert "Diplomatic engagement\nUndecided</textarea>" in page
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


# Choices: one label per line, keys derived and kept --------------------------------------------


def test_choice_keys_are_derived_from_the_labels(app, admin_client):
    long_label = "A very long answer that goes on and on about the centre of town"
    data = {**GOOD, "choices": f"Yes: but slowly\nNo\nNo!\nÜber-Änderung\n찬성\n{long_label}"}
    assert admin_client.post("/admin/polls/new", data=data).status_code == 302
    poll = stored(app, GOOD["slug"])
    assert [(c.key, c.label) for c in poll.choices] == [
        ("yes-but-slowly", "Yes: but slowly"),
        ("no", "No"),
        ("no-2", "No!"),
        ("uber-anderung", "Über-Änderung"),
        ("choice", "찬성"),
        ("a-very-long-answer-that-goes-on-and-on-a", long_label),
    ]
    assert all(len(c.key) <= 40 and re.fullmatch(r"[a-z0-9_-]+", c.key) for c in poll.choices)


def test_an_edited_label_keeps_its_key_and_its_votes(app, admin_client, debate_poll):
    vote(app, debate_poll, "military", times=2)
    vote(app, debate_poll, "undecided")
    data = {
        **GOOD,
        "slug": debate_poll,
        # Line 1 edited in place; Undecided moved up (matched by its label); a new line at the end.
        "choices": "A stronger military response, now\nUndecided\nDiplomatic engagement\nSanctions only",
    }
    assert admin_client.post(f"/admin/polls/{debate_poll}/edit", data=data).status_code == 302
    poll = stored(app, debate_poll)
    assert [(c.key, c.label, c.vote_count) for c in poll.choices] == [
        ("military", "A stronger military response, now", 2),
        ("undecided", "Undecided", 1),
        ("diplomacy", "Diplomatic engagement", 0),
        ("sanctions-only", "Sanctions only", 0),
    ]
    public = admin_client.get(f"/polls/{debate_poll}/results.json").get_json()
    assert {row["key"]: row["votes"] for row in public["choices"]}["military"] == 2


def test_rewording_and_reordering_in_one_save_keeps_votes_with_their_meaning(app, admin_client, debate_poll):
    """#27 item 4: "Yes / No" (5 and 2 votes) saved as "No, never / Yes, absolutely" gave the 5 Yes
    votes to "No, never"."""
    data = {**GOOD, "choices": "Yes\nNo"}
    assert admin_client.post("/admin/polls/new", data=data).status_code == 302
    vote(app, GOOD["slug"], "yes", times=5)
    vote(app, GOOD["slug"], "no", times=2)
    edited = {**data, "choices": "No, never\nYes, absolutely"}
    assert admin_client.post(f"/admin/polls/{GOOD['slug']}/edit", data=edited).status_code == 302
    poll = stored(app, GOOD["slug"])
    assert [(c.key, c.label, c.vote_count) for c in poll.choices] == [
        ("no", "No, never", 2),
        ("yes", "Yes, absolutely", 5),
    ]


def test_a_voted_choice_reworded_in_its_place_needs_a_confirmation(app, admin_client, debate_poll):
    data = {**GOOD, "choices": "Yes\nNo"}
    assert admin_client.post("/admin/polls/new", data=data).status_code == 302
    vote(app, GOOD["slug"], "yes", times=5)
    edit = f"/admin/polls/{GOOD['slug']}/edit"
    reworded = {**data, "choices": "Maybe later\nNo"}

    preview = admin_client.post(edit, data={**reworded, "preview": "Preview"}).get_data(as_text=True)
    assert "<strong>reworded</strong> from “Yes”: its 5 votes will count for this label" in preview

    refused = admin_client.post(edit, data=reworded)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert error_beside(
        page, "choices", "Line 1 ('Maybe later') stands where 'Yes' stood and would take its 5 votes."
    )
    assert "Maybe later\nNo</textarea>" in page
    assert [(c.label, c.vote_count) for c in stored(app, GOOD["slug"]).choices] == [("Yes", 5), ("No", 0)]

    confirmed = admin_client.post(edit, data={**reworded, "rewording_confirmed": "y"})
    assert confirmed.status_code == 302
    assert [(c.key, c.label, c.vote_count) for c in stored(app, GOOD["slug"]).choices] == [
        ("yes", "Maybe later", 5),
        ("no", "No", 0),
    ]


def test_a_choice_without_votes_is_reworded_without_a_confirmation(app, admin_client, debate_poll):
    data = {**GOOD, "choices": "Yes\nNo"}
    assert admin_client.post("/admin/polls/new", data=data).status_code == 302
    edited = {**data, "choices": "Maybe later\nNo"}
    assert admin_client.post(f"/admin/polls/{GOOD['slug']}/edit", data=edited).status_code == 302


def test_the_edit_page_shows_labels_only_and_the_derived_keys_in_the_preview(app, admin_client, debate_poll):
    data = {**GOOD, "slug": debate_poll, "choices": "A stronger military response\nTalks: now\nUndecided"}
    page = admin_client.post(
        f"/admin/polls/{debate_poll}/edit", data={**data, "preview": "Preview"}
    ).get_data(as_text=True)
    assert "<td><code>diplomacy</code></td>" in page
    assert "renamed from “Diplomatic engagement”" in page
    assert "<td><code>military</code></td>" in page


# The address --------------------------------------------------------------------------------


def test_an_empty_address_is_made_from_the_title_and_numbered_when_taken(app, admin_client, debate_poll):
    data = {**GOOD, "slug": "", "title": "Car-free centre: yes or no?"}
    assert admin_client.post("/admin/polls/new", data=data).status_code == 302
    assert admin_client.post("/admin/polls/new", data=data).status_code == 302
    # What the page's script filled in and the editor left alone follows the title too.
    scripted = {**data, "slug": "car-free-centre-yes-or-no", "slug_suggested": "car-free-centre-yes-or-no"}
    assert admin_client.post("/admin/polls/new", data=scripted).status_code == 302
    for slug in ("car-free-centre-yes-or-no", "car-free-centre-yes-or-no-2", "car-free-centre-yes-or-no-3"):
        assert stored(app, slug).title == "Car-free centre: yes or no?"
    typed = {**data, "slug": "car-free-centre-yes-or-no", "slug_suggested": "something-else"}
    response = admin_client.post("/admin/polls/new", data=typed)
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), "slug", "Another poll already lives")
    korean = {**GOOD, "slug": "", "title": "도심 차 없는 거리"}
    assert admin_client.post("/admin/polls/new", data=korean).status_code == 302
    assert stored(app, "poll").title == "도심 차 없는 거리"


def test_an_empty_address_on_an_existing_poll_is_refused(app, admin_client, debate_poll):
    response = admin_client.post(f"/admin/polls/{debate_poll}/edit", data={**GOOD, "slug": ""})
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), "slug", "Please give the poll an address")
    assert stored(app, debate_poll) is not None


def test_a_poll_with_votes_keeps_its_address_and_the_editor_says_so(app, admin_client, client, debate_poll):
    """#27 item 11: changing the address of a voted poll broke every embed and shared link."""
    vote(app, debate_poll, "military")
    edit = f"/admin/polls/{debate_poll}/edit"
    assert "Fixed: the poll has votes" in admin_client.get(edit).get_data(as_text=True)
    response = admin_client.post(edit, data={**GOOD, "slug": "a-new-address"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_beside(page, "slug", f"This poll has votes, so its address stays /polls/{debate_poll}")
    assert 'value="a-new-address"' in page
    assert stored(app, "a-new-address") is None
    assert client.get(f"/polls/{debate_poll}/embed").status_code == 200
    # Everything else still saves under the same address.
    same_choices = "A stronger military response\nDiplomatic engagement\nUndecided"
    retitled = {**GOOD, "slug": debate_poll, "title": "Retitled", "choices": same_choices}
    assert admin_client.post(edit, data=retitled).status_code == 302
    assert stored(app, debate_poll).title == "Retitled"


def test_a_poll_without_votes_may_still_move(app, admin_client, debate_poll):
    page = admin_client.get(f"/admin/polls/{debate_poll}/edit").get_data(as_text=True)
    assert "fixed once the first vote is in" in page
    assert (
        admin_client.post(f"/admin/polls/{debate_poll}/edit", data={**GOOD, "slug": "moved"}).status_code
        == 302
    )
    assert stored(app, "moved") is not None and stored(app, debate_poll) is None


def test_the_new_poll_page_loads_the_editor_script_and_no_inline_code(admin_client):
    page = admin_client.get("/admin/polls/new").get_data(as_text=True)
    assert '<script src="/static/js/poll-editor.js" defer></script>' in page
    assert 'data-slug-from="title"' in page
    assert "style=" not in page and "<script>" not in page and " onclick=" not in page
    assert admin_client.get("/static/js/poll-editor.js").status_code == 200


# Times in the newsroom's zone ---------------------------------------------------------------


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


# Preview ------------------------------------------------------------------------------------


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


# Sides --------------------------------------------------------------------------------------


def test_the_editor_maps_choices_to_sides_with_headings_and_it_is_audited(app, admin_client, debate_poll):
    page = admin_client.get(f"/admin/polls/{debate_poll}/edit").get_data(as_text=True)
    assert '<label for="side-undecided-side">Side of “Undecided”</label>' in page
    assert '<option value="neutral">Neutral (neither side)</option>' in page
    data = {
        **GOOD,
        "slug": debate_poll,
        "choices": "A stronger military response\nDiplomatic engagement\nUndecided",
        "side-undecided-side": "neutral",
        "side-military-heading": "For a firmer response",
    }
    preview = admin_client.post(f"/admin/polls/{debate_poll}/edit", data={**data, "preview": "Preview"})
    text = preview.get_data(as_text=True)
    assert "<strong>For a firmer response</strong>: votes for A stronger military response" in text
    assert "<strong>For: Diplomatic engagement</strong>" in text
    assert "<strong>Neutral</strong>: votes for Undecided" in text
    assert admin_client.post(f"/admin/polls/{debate_poll}/edit", data=data).status_code == 302
    poll = stored(app, debate_poll)
    assert {c.key: (c.side, c.side_heading) for c in poll.choices} == {
        "military": (None, "For a firmer response"),
        "diplomacy": (None, ""),
        "undecided": ("neutral", ""),
    }
    with app.app_context():
        mapped = db.session.execute(db.select(AuditEntry).filter_by(action="poll.map_sides")).scalar_one()
        assert mapped.before["undecided"] == "undecided" and mapped.after["undecided"] == "neutral"
        edit = db.session.execute(db.select(AuditEntry).filter_by(action="poll.edit")).scalar_one()
        assert edit.after["side_headings"] == {"military": "For a firmer response"}
    page = admin_client.get(f"/admin/polls/{debate_poll}/edit").get_data(as_text=True)
    assert '<option selected value="neutral">' in page
    assert 'value="For a firmer response"' in page


def test_a_new_poll_can_put_two_choices_on_one_side(app, admin_client):
    data = {**GOOD, "choices": "Yes\nRather yes\nNo", "side-rather-yes-side": "yes"}
    assert admin_client.post("/admin/polls/new", data=data).status_code == 302
    poll = stored(app, GOOD["slug"])
    assert [(c.key, c.side) for c in poll.choices] == [("yes", None), ("rather-yes", "yes"), ("no", None)]
    assert actions(app) == ["poll.create", "poll.map_sides"]


def test_a_new_polls_not_sure_choice_left_unmapped_counts_as_no_position(app, admin_client):
    data = {**GOOD, "choices": "Yes\nNo\nNot sure"}
    preview = admin_client.post("/admin/polls/new", data={**data, "preview": "Preview"}).get_data(
        as_text=True
    )
    assert "<strong>Neutral</strong>: votes for Not sure" in preview
    assert (
        "“Not sure” counts as no position (neutral)" in preview
        and "<strong>For: Not sure</strong>" not in preview
    )
    assert '<option selected value="neutral">Neutral (neither side)</option>' in preview
    assert "“Not sure” reads as no position, so it starts as neutral." in preview  # beside its select
    assert admin_client.post("/admin/polls/new", data=data).status_code == 302
    assert [(c.key, c.side) for c in stored(app, GOOD["slug"]).choices] == [
        ("yes", None),
        ("no", None),
        ("not-sure", "neutral"),
    ]


def test_the_editors_own_mapping_of_a_not_sure_choice_wins(app, admin_client):
    data = {**GOOD, "choices": "Yes\nNo\nNot sure", "side-not-sure-side": ""}
    preview = admin_client.post("/admin/polls/new", data={**data, "preview": "Preview"}).get_data(
        as_text=True
    )
    assert "<strong>For: Not sure</strong>" in preview and "counts as no position" not in preview
    assert admin_client.post("/admin/polls/new", data=data).status_code == 302
    assert stored(app, GOOD["slug"]).choice_by_key("not-sure").side is None
    assert actions(app) == ["poll.create"]


def test_a_no_position_choice_added_in_an_edit_is_neutral_and_stored_choices_keep_their_side(
    app, admin_client, make_poll
):
    slug = make_poll(choices=[("yes", "Yes"), ("no", "No"), ("other", "Other")])  # "Other": a side, as stored
    data = {**GOOD, "slug": slug, "choices": "Yes\nNo\nOther\nDon’t know"}
    assert admin_client.post(f"/admin/polls/{slug}/edit", data=data).status_code == 302
    assert [(c.key, c.side) for c in stored(app, slug).choices] == [
        ("yes", None),
        ("no", None),
        ("other", None),
        ("dont-know", "neutral"),
    ]


def test_a_not_sure_choice_stays_a_side_when_neutral_would_leave_one_side(app, admin_client):
    data = {**GOOD, "choices": "Yes\nNot sure"}
    assert admin_client.post("/admin/polls/new", data=data).status_code == 302
    assert [c.side for c in stored(app, GOOD["slug"]).choices] == [None, None]


def test_a_side_mapping_is_checked_whole_whatever_the_order(app, admin_client, make_poll):
    slug = make_poll(choices=[("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")])
    with app.app_context():
        poll_by_slug(slug).choice_by_key("b").side = "c"
        db.session.commit()
    # Alpha now stands with Beta, which becomes a side of its own: fine, though Alpha comes first.
    data = {**GOOD, "slug": slug, "choices": "Alpha\nBeta\nGamma", "side-a-side": "b", "side-b-side": ""}
    assert admin_client.post(f"/admin/polls/{slug}/edit", data=data).status_code == 302
    assert [c.side for c in stored(app, slug).choices] == ["b", None, None]


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

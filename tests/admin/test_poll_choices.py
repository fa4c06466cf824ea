"""The editor's choices and the poll's address: derived from what is typed, kept once votes are in."""

import re

from poll.database.column_types import utcnow
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote
from tests.helpers import GOOD, error_beside, stored


def vote(app, slug, key, times=1):
    with app.app_context():
        poll = poll_by_slug(slug)
        for number in range(times):
            cast_vote(poll, poll.choice_by_key(key), f"{key}{number}".ljust(32, "0"), utcnow())
        db.session.commit()


# Choices: one label per line, keys derived and kept --------------------------------------------------


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


def test_choice_with_votes_cannot_be_removed(app, admin_client, client, debate_poll):
    client.post(f"/polls/{debate_poll}/vote", data={"choice": "military"})
    data = {**GOOD, "slug": debate_poll, "choices": "Diplomatic engagement\nUndecided"}
    response = admin_client.post(f"/admin/polls/{debate_poll}/edit", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error_beside(page, "choices", "has votes, so it cannot be removed")
    assert "Diplomatic engagement\nUndecided</textarea>" in page
    assert [c.key for c in stored(app, debate_poll).choices] == ["military", "diplomacy", "undecided"]


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


# The address -----------------------------------------------------------------------------------------


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

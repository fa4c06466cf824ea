"""The poll editor's side mapping: choices to debate sides with their headings, checked whole, audited."""

from poll.database.models import AuditEntry
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from tests.helpers import GOOD, actions, stored


def test_every_side_neutral_is_refused_beside_the_sides(app, admin_client):
    data = {**GOOD, **{f"side-{key}-side": "neutral" for key in ("tighten-them", "ease-them", "undecided")}}
    response = admin_client.post("/admin/polls/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<p class="field-errors" role="alert">At least two choices must stand for different sides.' in page
    assert stored(app, GOOD["slug"]) is None


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

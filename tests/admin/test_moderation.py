"""Moderating from the queue: each action one by one and in bulk, stance corrections, their audit entries."""

import pytest

from poll.database.models import FLAG_MODERATOR, FLAG_STANCE_VOTE_MISMATCH, AuditEntry
from poll.extensions import db
from tests.helpers import comment


def audit(app) -> list[AuditEntry]:
    with app.app_context():
        rows = (
            db.session.execute(
                db.select(AuditEntry).where(AuditEntry.action.like("comment.%")).order_by(AuditEntry.id)
            )
            .scalars()
            .all()
        )
        db.session.expunge_all()
        return rows


def act(client, comment_id, action, reason=""):
    return client.post(f"/admin/comments/{comment_id}/moderate", data={"action": action, "reason": reason})


def test_approve_publishes_and_is_audited(app, moderator_client, client, make_comment, debate_poll):
    comment_id = make_comment("Keep negotiating with patience.")
    response = act(moderator_client, comment_id, "approve")
    assert response.status_code == 302
    stored = comment(app, comment_id)
    assert stored.status == "approved" and stored.moderated_by.username == "mo" and stored.moderated_at
    [entry] = audit(app)
    assert (entry.actor, entry.action, entry.target_id) == ("mo", "comment.approve", str(comment_id))
    assert entry.before == {"status": "pending"} and entry.after == {"status": "approved"}
    assert "Keep negotiating with patience." in client.get(f"/polls/{debate_poll}/debate").get_data(
        as_text=True
    )


def test_reject_needs_a_reason_and_records_it(app, moderator_client, make_comment):
    comment_id = make_comment()
    act(moderator_client, comment_id, "reject")
    assert comment(app, comment_id).status == "pending"
    assert "Please give a reason." in moderator_client.get("/admin/").get_data(as_text=True)
    assert audit(app) == []
    act(moderator_client, comment_id, "reject", reason="Off topic")
    assert comment(app, comment_id).status == "rejected"
    assert audit(app)[-1].reason == "Off topic"


def test_flag_for_second_look(app, moderator_client, make_comment):
    comment_id = make_comment()
    act(moderator_client, comment_id, "flag", reason="Is this satire?")
    stored = comment(app, comment_id)
    assert stored.status == "flagged" and FLAG_MODERATOR in stored.flag_names
    assert audit(app)[-1].action == "comment.flag"


def test_correct_stance_keeps_the_taggers_original_and_choosing_it_confirms(
    app, moderator_client, make_comment
):
    comment_id = make_comment("How many missiles were fired?")
    response = moderator_client.post(f"/admin/comments/{comment_id}/stance", data={"stance": "military"})
    assert response.status_code == 302
    stored = comment(app, comment_id)
    assert (stored.stance, stored.corrected_stance, stored.effective_stance) == (
        "neutral",
        "military",
        "military",
    )
    entry = audit(app)[-1]
    assert entry.action == "comment.correct_stance"
    assert entry.before["stance"] == "neutral" and entry.after["stance"] == "military"
    moderator_client.post(f"/admin/comments/{comment_id}/stance", data={"stance": "neutral"})
    # The tagger's own stance, chosen by a moderator, is confirmed: the public split counts it.
    assert comment(app, comment_id).corrected_stance == "neutral"
    assert audit(app)[-1].after == {"stance": "neutral", "tagger_stance": "neutral", "checked": True}
    page = moderator_client.get("/admin/").get_data(as_text=True)
    assert "tagger said" not in page and "confirmed by a moderator" in page


def test_the_stance_vote_mismatch_flag_follows_a_correction_and_outlives_retag(
    app, moderator_client, make_comment, debate_poll, runner
):
    """A diplomacy voter's comment tagged military is flagged; correcting it to
    diplomacy clears the flag, a re-tag keeps it cleared, and undoing the
    correction brings the flag back. A neutral comment corrected to military
    gets the flag."""
    from poll.database.column_types import utcnow
    from poll.polls.finding import poll_by_slug
    from poll.polls.voting import cast_vote

    with app.app_context():
        poll = poll_by_slug(debate_poll)
        cast_vote(poll, poll.choice_by_key("diplomacy"), "v" * 32, utcnow())
        db.session.commit()
    tagged_military = make_comment(
        "Talks have failed for thirty years. Shoot down every missile they fire and hit the launch pads before the next one."
    )
    neutral = make_comment("How many missiles were fired?")
    assert comment(app, tagged_military).flag_names == [FLAG_STANCE_VOTE_MISMATCH]
    assert comment(app, neutral).flag_names == []

    def correct(comment_id, stance):
        response = moderator_client.post(f"/admin/comments/{comment_id}/stance", data={"stance": stance})
        assert response.status_code == 302

    correct(tagged_military, "diplomacy")
    assert comment(app, tagged_military).flag_names == []
    assert runner.invoke(args=["retag", "--all"]).exit_code == 0
    assert comment(app, tagged_military).flag_names == []
    correct(tagged_military, "military")
    assert comment(app, tagged_military).flag_names == [FLAG_STANCE_VOTE_MISMATCH]
    correct(neutral, "military")
    assert comment(app, neutral).flag_names == [FLAG_STANCE_VOTE_MISMATCH]


def test_bulk_actions_on_ticked_rows(app, moderator_client, make_comment):
    ids = [make_comment(f"Talks number {n}.") for n in range(3)]
    response = moderator_client.post(
        "/admin/comments/bulk", data={"action": "approve", "comment_id": [str(i) for i in ids[:2]]}
    )
    assert response.status_code == 302
    assert [comment(app, i).status for i in ids] == ["approved", "approved", "pending"]
    assert [entry.target_id for entry in audit(app)] == [str(i) for i in ids[:2]]
    moderator_client.post(
        "/admin/comments/bulk", data={"action": "reject", "reason": "Spam", "comment_id": ids}
    )
    assert {comment(app, i).status for i in ids} == {"rejected"}


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "approve"}, "at least one comment"),
        ({"action": "approve", "comment_id": ["1", "abc"]}, "between 1 and 200"),
        ({"action": "approve", "comment_id": [str(n) for n in range(1, 202)]}, "between 1 and 200"),
        ({"action": "approve", "comment_id": ["999999"]}, "no longer exist"),
        ({"action": "explode", "comment_id": ["1"]}, "Not a valid choice"),
        ({"action": "reject", "comment_id": ["1"]}, "Please give a reason"),
        ({"action": "reject", "reason": "x" * 501, "comment_id": ["1"]}, "500 characters"),
        ({"action": "reject", "reason": "spam\x07", "comment_id": ["1"]}, "control characters"),
        ({"action": "reject", "preset": "Not on the list", "comment_id": ["1"]}, "Not a valid choice"),
        ({"action": "approve", "all_on_page": "1", "page_comment_id": ["x"]}, "between 1 and 200"),
    ],
)
def test_bad_bulk_input_changes_nothing_and_says_why(app, moderator_client, make_comment, data, message):
    make_comment()
    response = moderator_client.post("/admin/comments/bulk", data=data)
    assert response.status_code == 302
    assert message in moderator_client.get("/admin/").get_data(as_text=True)
    assert comment(app, 1).status == "pending"
    assert audit(app) == []


@pytest.mark.parametrize("stance", ["", "hawkish", "<b>"])
def test_bad_stance_is_refused(app, moderator_client, make_comment, stance):
    comment_id = make_comment()
    moderator_client.post(f"/admin/comments/{comment_id}/stance", data={"stance": stance})
    assert comment(app, comment_id).corrected_stance is None
    assert audit(app) == []


def test_actions_on_missing_comments_are_404(moderator_client):
    assert act(moderator_client, 4242, "approve").status_code == 404
    assert moderator_client.post("/admin/comments/4242/stance", data={"stance": "neutral"}).status_code == 404


def test_an_action_returns_to_the_same_filters_at_the_next_comment(app, moderator_client, make_comment):
    ids = [make_comment(f"Talks number {n}.") for n in range(3)]
    page = moderator_client.get("/admin/?q=talks&page=1").get_data(as_text=True)
    row = page.split(f'data-comment-id="{ids[0]}"')[1].split("</li>")[0]
    following = row.split('name="following" value="')[1].split('"')[0]
    assert following == str(ids[1])
    response = moderator_client.post(
        f"/admin/comments/{ids[0]}/moderate",
        data={"action": "approve", "next": "/admin/?q=talks&page=1", "following": following},
    )
    assert response.headers["Location"] == f"/admin/?q=talks&page=1#queue-{ids[1]}"
    # A refused action stays at the comment it was meant for.
    refused = moderator_client.post(
        f"/admin/comments/{ids[1]}/moderate",
        data={"action": "reject", "next": "/admin/?page=1", "following": str(ids[2])},
    )
    assert refused.headers["Location"] == f"/admin/?page=1#queue-{ids[1]}"
    assert comment(app, ids[1]).status == "pending"


@pytest.mark.parametrize("following", ["abc", "-1", "1#x", "9" * 30, ""])
def test_a_bad_following_comment_is_ignored(moderator_client, make_comment, following):
    comment_id = make_comment()
    response = moderator_client.post(
        f"/admin/comments/{comment_id}/moderate", data={"action": "approve", "following": following}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_select_all_on_this_page_acts_on_the_rows_shown(app, moderator_client, make_comment):
    ids = [make_comment(f"Talks number {n}.") for n in range(3)]
    page = moderator_client.get("/admin/").get_data(as_text=True)
    assert 'name="all_on_page" value="1"' in page and "All 3 on this page" in page
    shown = [value.split('"')[0] for value in page.split('name="page_comment_id" value="')[1:]]
    assert sorted(shown) == sorted(str(i) for i in ids)
    response = moderator_client.post(
        "/admin/comments/bulk",
        data={"action": "reject", "preset": "Off topic", "all_on_page": "1", "page_comment_id": shown},
    )
    assert response.status_code == 302
    assert {comment(app, i).status for i in ids} == {"rejected"}
    assert {comment(app, i).decision_reason for i in ids} == {"Off topic"}


def test_every_moderation_action_has_its_button_and_choice_from_the_one_list(moderator_client, make_comment):
    from poll.admin.forms.moderation import ModerationForm
    from poll.debate.moderation import ACTIONS

    comment_id = make_comment("Talks first.")
    page = moderator_client.get("/admin/").get_data(as_text=True)
    for action in ACTIONS.values():
        # one button per action in the bulk bar and one in the comment's row
        assert page.count(f'name="action" value="{action.name}"') == 2
    assert [choice.value for choice in ModerationForm.action.kwargs["choices"]] == list(ACTIONS)
    done = moderator_client.post(
        f"/admin/comments/{comment_id}/moderate", data={"action": "flag"}, follow_redirects=True
    )
    assert "1 comment flagged for a second look." in done.get_data(as_text=True)

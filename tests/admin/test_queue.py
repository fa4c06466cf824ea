"""The moderation queue: filters, order, actions and their audit entries."""

import re

import pytest

from poll.database.models import FLAG_LINK, FLAG_MODERATOR, FLAG_STANCE_VOTE_MISMATCH, AuditEntry, Comment
from poll.extensions import db
from poll.tagging.heads import shipped_head


def comment(app, comment_id) -> Comment:
    with app.app_context():
        row = db.session.get(Comment, comment_id)
        _ = row.flag_names, row.moderated_by
        db.session.expunge_all()
        return row


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


def test_queue_shows_pending_comments_with_their_tags(moderator_client, make_comment):
    make_comment("Only a stronger military response will stop these launches. http://example.com/x")
    page = moderator_client.get("/admin/").get_data(as_text=True)
    assert "Only a stronger military response will stop these launches." in page
    assert "tag tag--military" in page
    assert "link" in page and "Cues" in page
    assert "1 pending" in page


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


def test_pending_comments_come_first_ordered_by_flags(app, moderator_client, make_comment):
    calm = make_comment("Talks would help, I think.")
    flagged = make_comment("Strike now, see http://example.com and www.example.org")
    done = make_comment("Keep negotiating.", status="approved")
    page = moderator_client.get("/admin/", query_string={"status": "any"}).get_data(as_text=True)
    positions = [page.index(f'data-comment-id="{i}"') for i in (flagged, calm, done)]
    assert positions == sorted(positions)
    assert FLAG_LINK in comment(app, flagged).flag_names


def test_filters(app, moderator_client, make_comment):
    hawkish = make_comment("No more talks, respond with force.")
    make_comment("Keep negotiating, please.", status="approved")
    with app.app_context():
        # A moderator's stance, so that the filter's answer does not hang on the tagger's confidence.
        db.session.get(Comment, hawkish).corrected_stance = "military"
        db.session.commit()
    make_comment("How many missiles? 100% sure_thing")

    def shown(**params):
        page = moderator_client.get("/admin/", query_string=params).get_data(as_text=True)
        return sum(
            phrase in page for phrase in ("respond with force", "Keep negotiating", "How many missiles")
        )

    assert shown() == 2  # by default, what still needs a decision
    assert shown(status="any") == 3
    assert shown(status="approved") == 1
    assert shown(stance="military") == 1
    assert shown(q="NEGOTIATING", status="any") == 1
    assert shown(q="100%") == 1 and shown(q="%") == 1 and shown(q="_") == 1
    assert shown(status="bogus", stance="<x>", flag="nope", poll="missing", page="-3", comment="x1") == 2


def test_keyboard_shortcuts_are_an_enhancement(moderator_client, make_comment):
    make_comment()
    page = moderator_client.get("/admin/").get_data(as_text=True)
    assert 'src="/static/js/queue.js"' in page
    assert 'data-shortcut="approve"' in page and "<form" in page


def test_the_queue_shows_what_the_tagger_cannot_read_and_what_a_moderator_set(
    app, moderator_client, make_comment
):
    make_comment("Ik weet echt niet wat ik van deze raketlanceringen moet denken, eerlijk gezegd.")
    corrected = make_comment("How many missiles were fired?")
    with app.app_context():
        tagger_said = db.session.get(Comment, corrected).stance
    other = next(stance for stance in ("military", "diplomacy", "neutral") if stance != tagger_said)
    moderator_client.post(f"/admin/comments/{corrected}/stance", data={"stance": other})
    page = moderator_client.get("/admin/").get_data(as_text=True)
    assert "not tagged: Dutch" in page
    card = page.split(f'id="comment-{corrected}"')[1].split("</article>")[0]
    assert f"set by a moderator (tagger said {tagger_said})" in card
    assert "% sure" not in card  # the old guess's confidence is not shown beside the correction
    assert "Tagged by" in card and shipped_head("stance_en.json").name in card  # an English comment's head


def test_uncivil_comments_come_first_and_carry_the_flag(app, moderator_client, make_comment):
    make_comment("I wonder whether the sanctions are being enforced at all.")
    uncivil = make_comment("These people are animals and should be wiped off the map.")
    page = moderator_client.get("/admin/").get_data(as_text=True)
    first = page.split('<article class="comment"')[1]
    assert f'id="comment-{uncivil}"' in first
    assert 'tag tag--flag">uncivil' in first


def test_an_untagged_comment_offers_no_stance_to_confirm_by_mistake(moderator_client, make_comment):
    comment_id = make_comment(
        "We moeten met Noord-Korea blijven praten; een militair antwoord is te gevaarlijk."
    )
    page = moderator_client.get("/admin/").get_data(as_text=True)
    select = page.split(f'id="stance-{comment_id}"')[1].split("</select>")[0]
    assert '<option value="" selected disabled>choose…</option>' in select
    assert "selected>" not in select.replace("selected disabled>", "")


def test_the_default_view_is_what_still_needs_a_decision(moderator_client, make_comment):
    make_comment("Pending one.")
    make_comment("Flagged one.", status="flagged")
    make_comment("Approved one.", status="approved")
    make_comment("Rejected one.", status="rejected")
    page = moderator_client.get("/admin/").get_data(as_text=True)
    assert "Pending one." in page and "Flagged one." in page
    assert "Approved one." not in page and "Rejected one." not in page
    assert re.search(r'<option (selected value=""|value="" selected)>Needs a decision</option>', page)
    everything = moderator_client.get("/admin/?status=any").get_data(as_text=True)
    assert all(f"{status} one." in everything for status in ("Pending", "Flagged", "Approved", "Rejected"))


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


def test_an_empty_queue_is_calm_not_a_warning(moderator_client, make_comment):
    page = moderator_client.get("/admin/").get_data(as_text=True)
    assert "All caught up." in page and 'class="empty-state"' in page and 'class="notice"' not in page
    make_comment("Approved one.", status="approved")
    filtered = moderator_client.get("/admin/?q=nothing-like-this").get_data(as_text=True)
    assert "No comments match these filters." in filtered and 'class="notice"' not in filtered


def test_an_appealed_comment_shows_the_earlier_reason_and_the_authors_note(
    app, moderator_client, make_comment
):
    from poll.database.column_types import utcnow

    comment_id = make_comment("Please look again.")
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        comment.appealed_at = utcnow()
        comment.decision_reason = "Personal attack <b>here</b>"
        comment.appeal_note = "I criticised a policy, not a person & said so."
        db.session.commit()
    row = moderator_client.get("/admin/").get_data(as_text=True).split(f'data-comment-id="{comment_id}"')[1]
    row = row.split("</li>")[0]
    assert '<span class="tag tag--flag">appeal</span>' in row
    assert "Rejected earlier</dt><dd>Personal attack &lt;b&gt;here&lt;/b&gt;</dd>" in row
    assert "<dd>I criticised a policy, not a person &amp; said so.</dd>" in row
    assert "Author&#39;s appeal" in row or "Author's appeal" in row


def test_a_comment_never_appealed_shows_no_appeal_box(moderator_client, make_comment):
    comment_id = make_comment("First time in the queue.")
    row = moderator_client.get("/admin/").get_data(as_text=True).split(f'data-comment-id="{comment_id}"')[1]
    assert "queue__appeal" not in row.split("</li>")[0]


def test_the_queue_is_paged_with_its_filters_kept_and_any_page_number_answered(
    app, moderator_client, make_comment
):
    app.config["QUEUE_PER_PAGE"] = 3
    for n in range(7):
        make_comment(f"Talks round {n}, please.")
    make_comment("Something else entirely.")

    def page_of(**params):
        return moderator_client.get("/admin/", query_string={"q": "talks", **params}).get_data(as_text=True)

    first = page_of()
    assert first.count("Talks round") == 3 and "Page 1 of 3" in first
    assert 'href="/admin/?page=2&amp;q=talks" rel="next"' in first
    assert 'rel="prev"' not in first
    last = page_of(page=3)
    assert last.count("Talks round") == 1 and "Page 3 of 3" in last and 'rel="next"' not in last
    seen = "".join(page_of(page=n) for n in (1, 2, 3))
    assert all(f"Talks round {n}," in seen for n in range(7))  # each once, none lost between pages
    past_the_end = page_of(page=9)
    assert "Talks round" not in past_the_end and "past the end" in past_the_end
    assert 'href="/admin/?page=3&amp;q=talks" rel="prev"' in past_the_end
    for odd in ("0", "-1", "abc", "1e3", str(2**64), "9" * 40):
        answer = moderator_client.get("/admin/", query_string={"q": "talks", "page": odd})
        assert answer.status_code == 200 and "Page 1 of 3" in answer.get_data(as_text=True), odd


def test_the_queue_filters_render_from_their_form_with_the_choice_kept(moderator_client, debate_poll):
    page = moderator_client.get(
        "/admin/", query_string={"stance": "military", "q": "  " + "x" * 300, "flag": "<script>"}
    ).get_data(as_text=True)
    assert re.search(r'<option (selected value="military"|value="military" selected)>military</option>', page)
    assert 'maxlength="200"' in page and 'value="' + "x" * 200 + '"' in page  # the text, trimmed to the limit
    assert "<script>" not in page


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


def test_queue_tags_read_as_scores_with_cues_for_the_stance_shown_and_vaders_tone(
    app, moderator_client, make_comment
):
    """#29 item 10: "civil 41%" read as 41 % civil; a military cue sat beside a diplomacy badge;
    "Sentiment positive" sat on an insult."""
    rude, unscored = make_comment("Talk to them, you spineless idiots."), make_comment("대화가 답이다.")
    with app.app_context():
        row = db.session.get(Comment, rude)
        row.stance, row.stance_confidence = "diplomacy", 0.9
        row.stance_cues = ["bomb \u2192 military", "talk \u2192 diplomacy"]
        row.incivility, row.uncivil, row.sentiment, row.compound = 0.93, True, "positive", 0.4939
        other = db.session.get(Comment, unscored)
        other.incivility, other.uncivil = None, False
        db.session.commit()
    page = moderator_client.get("/admin/").get_data(as_text=True)
    card = page[page.index(f'id="queue-{rude}"') :]
    card = card[: card.index("</dl>")]
    assert '<span class="tag tag--uncivil">uncivil: 0.93</span>' in card
    # An English comment: the English head's threshold (poll.tagging.incivility_threshold reads it).
    assert f"uncivil from {shipped_head('incivility_en.json').threshold:.2f}" in card
    assert "talk \u2192 diplomacy" in card and "bomb" not in card
    assert "<dt>tone (VADER):</dt><dd>positive +0.49</dd>" in card and "Sentiment" not in card
    assert card.index("uncivil: 0.93") < card.index("tone (VADER)")
    other_card = page[page.index(f'id="queue-{unscored}"') :]
    assert (
        '<span class="tag tag--uncivil">incivility: not scored</span>'
        in other_card[: other_card.index("</dl>")]
    )

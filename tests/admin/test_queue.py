"""The moderation queue's page: what it lists and how, its filters, order and pages, tags and appeals."""

import re

from poll.database.models import FLAG_LINK, Comment
from poll.extensions import db
from poll.tagging.heads import shipped_head
from tests.helpers import comment


def test_queue_shows_pending_comments_with_their_tags(moderator_client, make_comment):
    make_comment("Only a stronger military response will stop these launches. http://example.com/x")
    page = moderator_client.get("/admin/").get_data(as_text=True)
    assert "Only a stronger military response will stop these launches." in page
    assert "tag tag--military" in page
    assert "link" in page and "Cues" in page
    assert "1 pending" in page


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
    # An English comment: the English head's threshold (poll.vocabulary.incivility_decision holds it).
    assert f"uncivil from {shipped_head('incivility_en.json').threshold:.2f}" in card
    assert "talk \u2192 diplomacy" in card and "bomb" not in card
    assert "<dt>tone (VADER):</dt><dd>positive +0.49</dd>" in card and "Sentiment" not in card
    assert card.index("uncivil: 0.93") < card.index("tone (VADER)")
    other_card = page[page.index(f'id="queue-{unscored}"') :]
    assert (
        '<span class="tag tag--uncivil">incivility: not scored</span>'
        in other_card[: other_card.index("</dl>")]
    )

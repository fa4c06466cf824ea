"""Posting comments and reading the debate."""

from datetime import timedelta

import pytest
from markupsafe import escape

from poll.database.column_types import utcnow
from poll.database.models import (
    FLAG_APPEAL,
    FLAG_STANCE_VOTE_MISMATCH,
    AuditEntry,
    Comment,
    Moderator,
    Vote,
    VoterMute,
)
from poll.debate import moderation
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.tagging import TAGGER_VERSION, tag
from tests.conftest import csrf_token_from
from tests.helpers import threads_by_side


def comments_of(app, slug=None) -> list[Comment]:
    with app.app_context():
        query = db.select(Comment).order_by(Comment.id)
        if slug:
            query = query.where(Comment.poll_id == poll_by_slug(slug).id)
        rows = db.session.execute(query).scalars().all()
        for comment in rows:
            _ = comment.flag_names, comment.author_choice
        db.session.expunge_all()
        return rows


def post(client, slug, body, name="", **extra):
    return client.post(f"/polls/{slug}/comments", data={"body": body, "display_name": name, **extra})


def test_comment_on_premoderated_poll_awaits_review(app, client, debate_poll):
    client.post(f"/polls/{debate_poll}/vote", data={"choice": "diplomacy"})
    response = post(client, debate_poll, "  Talks are the only way out of this.  ", name="  Mina ")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/polls/{debate_poll}/debate#awaiting-review")

    [comment] = comments_of(app)
    assert comment.status == "pending"
    assert comment.body == "Talks are the only way out of this."
    assert comment.display_name == "Mina"
    assert comment.author_choice.key == "diplomacy"
    assert comment.stance == "diplomacy"
    assert comment.sentiment in {"positive", "neutral", "negative"}
    assert comment.tagger_version == TAGGER_VERSION
    assert comment.stance_cues

    own_view = client.get(f"/polls/{debate_poll}/debate").get_data(as_text=True)
    assert "will appear once a moderator has reviewed it" in own_view
    mine = own_view.split('id="awaiting-review"')[1].split("</section>")[0]
    assert "Your comments" in mine and "Awaiting review" in mine and "Talks are the only way" in mine
    public_view = post_free_client(app).get(f"/polls/{debate_poll}/debate").get_data(as_text=True)
    assert "Talks are the only way" not in public_view


def post_free_client(app):
    return app.test_client()


def test_comment_on_postmoderated_poll_is_public_under_its_authors_vote(app, client, open_debate):
    """Filed by the vote, never by the tagger's reading: a diplomacy voter arguing
    for talks stays under diplomacy whatever the tagger makes of the words."""
    client.post(f"/polls/{open_debate}/vote", data={"choice": "military"})
    post(client, open_debate, "Keep negotiating, a deal is possible.")
    dove = app.test_client()
    dove.get(f"/polls/{open_debate}")
    dove.post(f"/polls/{open_debate}/vote", data={"choice": "diplomacy"})
    post(dove, open_debate, "Diplomacy has failed for decades; respond with force.")
    post(post_free_client(app), open_debate, "How many missiles were fired?")
    page = app.test_client().get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    sides = threads_by_side(page)
    assert "Keep negotiating" in sides["military"] and "voted: Military" in sides["military"]
    assert "respond with force" in sides["diplomacy"]
    assert "How many missiles" in sides["neutral"]
    assert "Anonymous reader" in page
    assert "has not voted" in page


# The English head is sure of few one-liners (those under 90 characters are read at a cooler temperature).
HAWKISH = (
    "Talks have failed for thirty years. Shoot down every missile they fire and hit the launch pads before the next one.",
    "Only a stronger military response will stop these launches.",
    "Shoot down every missile they fire and strike the launch sites.",
    "Deterrence means force: more carriers, more interceptors, and strikes if they fire again.",
)


def test_comment_records_the_authors_vote_and_flags_a_mismatch_only_when_the_tagger_is_sure(
    app, client, open_debate
):
    sure = next(text for text in HAWKISH if tag(text).sure_stance == "military")
    client.post(f"/polls/{open_debate}/vote", data={"choice": "diplomacy"})
    post(client, open_debate, sure)
    post(client, open_debate, "Talks are the way forward.")
    hawkish, dovish = comments_of(app)
    assert hawkish.author_choice.key == "diplomacy"
    assert FLAG_STANCE_VOTE_MISMATCH in hawkish.flag_names
    assert dovish.flag_names == []


def test_an_unsure_stance_never_flags_a_mismatch(app, client, open_debate):
    unsure = "No more talks, respond with force!"
    reading = tag(unsure)
    assert reading.sure_stance is None and reading.stance in ("military", "diplomacy")  # below the threshold
    other_side = "diplomacy" if reading.stance == "military" else "military"
    client.post(f"/polls/{open_debate}/vote", data={"choice": other_side})
    post(client, open_debate, unsure)
    [comment] = comments_of(app)
    assert comment.stance == reading.stance != other_side  # it contradicts the vote...
    assert comment.flag_names == []  # ...but is not sure, so no flag


def test_plain_text_is_shown_as_text_with_line_breaks_and_no_links(app, client, open_debate):
    post(client, open_debate, "I <3 peace & quiet.\nSecond line: see https://example.com/more")
    page = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert "I &lt;3 peace &amp; quiet.\nSecond line" in page
    assert 'href="https://example.com' not in page


def test_newest_first_and_shown_in_steps(app, client, open_debate):
    app.config["COMMENTS_PER_PAGE"] = 2
    for number in range(5):
        post(client, open_debate, f"Talks round {number} would help.")
    with app.app_context():  # one column, whatever the tagger made of them: this is about paging
        db.session.execute(db.update(Comment).values(corrected_stance="diplomacy"))
        db.session.commit()
    reader = app.test_client()  # not the author, whose own comments are all listed for them
    first = reader.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert first.index("round 4") < first.index("round 3")
    assert "round 2" not in first and "shown=4" in first
    more = reader.get(f"/polls/{open_debate}/debate?shown=4").get_data(as_text=True)
    assert more.index("round 4") < more.index("round 1") and "round 0" not in more
    everything = reader.get(f"/polls/{open_debate}/debate?shown=6").get_data(as_text=True)
    assert "round 0" in everything and "shown=8" not in everything


@pytest.mark.parametrize(
    "shown, rounds",
    [("abc", 2), ("-4", 2), ("0", 2), ("1.5", 2), ("9e99", 2), ("\u00b2", 2), ("3", 3), ("99999999999", 5)],
)
def test_an_odd_count_of_threads_shown_is_read_as_the_nearest_sensible_one(
    app, client, open_debate, shown, rounds
):
    """Not a number: the first step; below a step: one step; above the most: all there are."""
    app.config["COMMENTS_PER_PAGE"] = 2
    for number in range(5):
        post(client, open_debate, f"Talks round {number} would help.")
    page = app.test_client().get(f"/polls/{open_debate}/debate", query_string={"shown": shown})
    assert page.status_code == 200
    listed = [number for number in range(5) if f"round {number} would" in page.get_data(as_text=True)]
    assert listed == list(range(5 - rounds, 5))


def test_a_comment_the_tagger_cannot_read_is_shown_with_the_other_views(client, open_debate):
    post(client, open_debate, "북한과의 대화가 필요합니다. 군사적 대응은 너무 위험합니다.")
    page = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert "북한과의 대화가 필요합니다." in threads_by_side(page)["neutral"]


def test_a_moderators_stance_is_counted_in_the_split_but_never_moves_a_comment(app, client, open_debate):
    post(client, open_debate, "How many missiles were fired?")
    post(client, open_debate, "Another question, from the same reader.")
    page = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert "No comment&#39;s side has been checked by a moderator yet" in page
    with app.app_context():
        comment = db.session.execute(db.select(Comment).order_by(Comment.id)).scalars().first()
        comment.corrected_stance = "military"
        db.session.commit()
    page = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert "How many missiles" in threads_by_side(page)["neutral"]
    split = page.split('id="split-heading"', 1)[1]
    assert "Counts the 1 of 2 published comments whose side a moderator has checked" in split


def test_exactly_2000_characters_after_trimming_is_accepted(app, client, open_debate):
    body = "   " + "talks " * 333 + "ok   "
    assert len(body.strip()) == 2000
    assert post(client, open_debate, body).status_code == 302
    assert len(comments_of(app)[0].body) == 2000


@pytest.mark.parametrize(
    "body, name, message",
    [
        ("", "", "Please write a comment"),
        ("   \n\t  ", "", "Please write a comment"),
        ("x" * 2001, "", "2,000 characters or fewer"),
        ("Ring the bell \x07 now", "", "control characters"),
        ("Null \x00 byte", "", "Null characters are not allowed"),
        ("Talks \u202egnorw\u202c now", "", "text-direction controls"),
        ("A fine comment", "n" * 51, "50 characters or fewer"),
        ("A fine comment", "Tab\x1bEscape", "control characters"),
        ("A fine comment", "Ad\u200bmin", "invisible formatting characters"),
    ],
    ids=[
        "empty",
        "whitespace",
        "too-long",
        "bell",
        "nul",
        "bidi-override",
        "name-too-long",
        "name-escape",
        "name-zero-width",
    ],
)
def test_bad_comment_gets_a_clear_message_and_stores_nothing(app, client, open_debate, body, name, message):
    post(client, open_debate, "An earlier comment about talks.")
    response = post(client, open_debate, body, name=name)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert [c.body for c in comments_of(app)] == ["An earlier comment about talks."]


@pytest.mark.parametrize(
    "body, name",
    [
        ('Trump promised "fire and fury" -- then held three summits', ""),
        ("The onus=on Beijing", ""),
        ("<b>not bold</b>", "<b>Boss</b>"),
        ("<script>alert('x')</script>", ""),
        ('<img src=x onerror="alert(1)">', '"><svg onload=alert(1)>'),
        ("Click javascript:alert(1)", ""),
        ("'; DROP TABLE comment; --", "Robert'); DROP TABLE voter;--"),
        ("' OR 1=1 --", ""),
        ("1 UNION SELECT password FROM moderator", ""),
    ],
    ids=[
        "quotes-dashes",
        "equals",
        "b-tags",
        "script",
        "img-onerror",
        "js-url",
        "sql-drop",
        "sql-or",
        "sql-union",
    ],
)
def test_text_that_looks_like_code_is_stored_as_typed_and_shown_escaped(app, client, open_debate, body, name):
    """No false refusals: markup and SQL are words here, stored inertly and shown as text."""
    assert post(client, open_debate, body, name=name).status_code == 302
    [comment] = comments_of(app)
    assert (comment.body, comment.display_name) == (body, name)
    for page in (
        client.get(f"/polls/{open_debate}/debate").get_data(as_text=True),
        app.test_client().get(f"/polls/{open_debate}/debate").get_data(as_text=True),
    ):
        assert escape(body) in page and "<script>alert" not in page and "<img src=x" not in page
        assert "<b>not bold" not in page and "<b>Boss" not in page and "<svg onload" not in page
        if name:
            assert escape(name) in page


def test_invalid_utf8_is_refused(app, client, open_debate):
    response = client.post(
        f"/polls/{open_debate}/comments",
        data=b"body=caf%C3%A9+%FF%FE+talks&display_name=",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)
    assert comments_of(app) == []


def test_repeated_field_is_refused(app, client, open_debate):
    response = client.post(f"/polls/{open_debate}/comments", data={"body": ["one", "two"]})
    assert response.status_code == 400
    assert comments_of(app) == []


def test_closed_poll_refuses_comments(app, client, make_poll):
    from datetime import timedelta

    from poll.database.column_types import utcnow

    slug = make_poll(closes_at=utcnow() - timedelta(minutes=1))
    response = post(client, slug, "Talks please.")
    assert response.status_code == 403
    assert "closed" in response.get_data(as_text=True)
    assert comments_of(app) == []


def test_unknown_poll_comment_is_404(client):
    assert post(client, "nope", "Talks please.").status_code == 404


def test_poll_page_offers_the_comment_form_and_the_debate(client, debate_poll):
    page = client.get(f"/polls/{debate_poll}").get_data(as_text=True)
    assert f'action="/polls/{debate_poll}/comments#comment-form"' in page and 'id="comment-form"' in page
    assert f'href="/polls/{debate_poll}/debate"' in page
    form = page.split('id="comment-form"')[1].split("</form>")[0]
    assert 'data-limit="2000"' in form and "maxlength" not in form


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_comment_with_token_is_stored(self, app, client, open_debate):
        token = csrf_token_from(client.get(f"/polls/{open_debate}/debate").get_data(as_text=True))
        assert post(client, open_debate, "Talk to them.", csrf_token=token).status_code == 302
        assert len(comments_of(app)) == 1

    def test_invalid_utf8_is_refused_before_csrf_parses_the_form(self, app, client, open_debate):
        token = csrf_token_from(client.get(f"/polls/{open_debate}/debate").get_data(as_text=True))
        response = client.post(
            f"/polls/{open_debate}/comments",
            data=f"csrf_token={token}&body=%FF%FE+talks&display_name=".encode(),
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 400
        assert "could not be read" in response.get_data(as_text=True)
        assert comments_of(app) == []

    def test_comment_without_token_is_refused(self, app, client, open_debate):
        client.get(f"/polls/{open_debate}/debate")
        response = post(client, open_debate, "Talk to them.", csrf_token="forged")
        assert response.status_code == 400
        assert comments_of(app) == []


# The author knows --------------------------------------------------------------


def voter_id_of(app, client, slug) -> str:
    """The voter id behind ``client``'s cookie (it votes to get one)."""
    client.post(f"/polls/{slug}/vote", data={"choice": "diplomacy"})
    with app.app_context():
        return db.session.execute(db.select(Vote.voter_id).order_by(Vote.id.desc())).scalars().first()


def reject_as_moderator(app, comment_id: int, reason: str) -> None:
    with app.app_context():
        moderator = db.session.execute(db.select(Moderator).filter_by(username="mo")).scalar_one()
        moderation.reject(db.session.get(Comment, comment_id), moderator, utcnow(), reason)
        db.session.commit()


def appeals_logged(app) -> int:
    with app.app_context():
        query = db.select(db.func.count()).select_from(AuditEntry).filter_by(action="comment.appeal")
        return db.session.scalar(query)


def my_section(page: str) -> str:
    return page.split('id="awaiting-review"')[1].split("</section>")[0]


def my_item(page: str, comment_id: int) -> str:
    """One comment in the author's list."""
    return my_section(page).split(f'id="my-comment-{comment_id}"')[1].split('<li class="my-comment')[0]


@pytest.fixture
def three_of_mine(app, client, debate_poll, accounts):
    """The author's published comment, one rejected with a reason, one rejected without."""
    for body in ("Talks published.", "Strikes rejected with a reason.", "Talks rejected without one."):
        assert post(client, debate_poll, body).status_code == 302
    published, with_reason, without = (c.id for c in comments_of(app))
    with app.app_context():
        db.session.get(Comment, published).status = "approved"
        db.session.commit()
    reject_as_moderator(app, with_reason, "Personal attack <on> a reader")
    with app.app_context():
        db.session.get(Comment, without).status = "rejected"
        db.session.commit()
    return published, with_reason, without


def test_the_author_sees_each_comment_with_its_status_and_the_reason(app, client, debate_poll, three_of_mine):
    published, with_reason, without = three_of_mine
    page = client.get(f"/polls/{debate_poll}/debate").get_data(as_text=True)
    items = {cid: my_item(page, cid) for cid in three_of_mine}
    assert "Published" in items[published] and "appeal" not in items[published]
    assert "Rejected" in items[with_reason] and "Personal attack &lt;on&gt; a reader" in items[with_reason]
    assert "Rejected" in items[without] and "No reason given" in items[without]
    assert all(f"/comments/{cid}/appeal" in items[cid] for cid in (with_reason, without))
    stranger = app.test_client().get(f"/polls/{debate_poll}/debate").get_data(as_text=True)
    assert 'id="awaiting-review"' not in stranger and "Personal attack" not in stranger
    assert "rejected without one" not in stranger


def test_the_author_appeals_a_rejection_once(app, client, debate_poll, three_of_mine, moderator_client):
    _, with_reason, _ = three_of_mine
    url = f"/polls/{debate_poll}/comments/{with_reason}/appeal"
    response = client.post(url, data={"note": "  I quoted the article, not a reader.  "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/debate#my-comment-{with_reason}")
    with app.app_context():
        comment = db.session.get(Comment, with_reason)
        assert comment.status == "pending" and FLAG_APPEAL in comment.flag_names
        assert comment.appeal_note == "I quoted the article, not a reader."
        logged = db.session.execute(
            db.select(AuditEntry.action, AuditEntry.reason).where(AuditEntry.target_id == str(with_reason))
        ).all()
    assert logged == [
        ("comment.reject", "Personal attack <on> a reader"),
        ("comment.appeal", "I quoted the article, not a reader."),
    ]
    item = my_item(client.get(f"/polls/{debate_poll}/debate").get_data(as_text=True), with_reason)
    assert "Appeal awaiting review" in item and "I quoted the article" in item and "<form" not in item
    queue = moderator_client.get("/admin/", query_string={"flag": FLAG_APPEAL}).get_data(as_text=True)
    assert "Strikes rejected with a reason." in queue

    second = client.post(url, data={"note": "Once more."})
    assert second.status_code == 409 and "appealed" in second.get_data(as_text=True)
    reject_as_moderator(app, with_reason, "Still an attack.")
    third = client.post(url, data={"note": "And again."})
    assert third.status_code == 409
    with app.app_context():
        comment = db.session.get(Comment, with_reason)
        assert comment.status == "rejected" and comment.appeal_note == "I quoted the article, not a reader."


@pytest.mark.parametrize(
    "note, message",
    [
        ("", "Please say in a few words"),
        ("   \n ", "Please say in a few words"),
        ("n" * 501, "500 characters or fewer"),
        (["one", "two"], "only once"),
        ("Bell \x07", "control characters"),
    ],
    ids=["empty", "whitespace", "too-long", "repeated", "control"],
)
def test_a_bad_appeal_note_is_refused_beside_the_field_and_kept(
    app, client, debate_poll, three_of_mine, note, message
):
    _, with_reason, _ = three_of_mine
    response = client.post(f"/polls/{debate_poll}/comments/{with_reason}/appeal", data={"note": note})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    item = my_item(page, with_reason)
    assert message in item and f'id="appeal-note-{with_reason}-errors"' in item
    if note == "n" * 501:
        assert "n" * 501 in item and "it has 501, 1 too many" in item
    assert "maxlength" not in item and 'data-limit="500"' in item  # nothing a paste could lose
    with app.app_context():
        comment = db.session.get(Comment, with_reason)
        assert comment.status == "rejected" and comment.appealed_at is None and comment.appeal_note == ""
        assert appeals_logged(app) == 0


def test_appeals_only_for_the_authors_own_rejected_comment(app, client, debate_poll, three_of_mine):
    published, with_reason, _ = three_of_mine

    def appeal(who, comment_id):
        return who.post(f"/polls/{debate_poll}/comments/{comment_id}/appeal", data={"note": "Please."})

    stranger = app.test_client()
    voter_id_of(app, stranger, debate_poll)
    assert appeal(stranger, with_reason).status_code == 404  # someone else's comment
    assert appeal(app.test_client(), with_reason).status_code == 404  # no cookie at all
    assert appeal(client, 4242).status_code == 404  # forged id
    assert appeal(client, 2**64).status_code == 404
    assert client.post(f"/polls/{debate_poll}/comments/abc/appeal", data={"note": "x"}).status_code == 404
    assert client.post(f"/polls/nope/comments/{with_reason}/appeal", data={"note": "x"}).status_code == 404
    assert appeal(client, published).status_code == 409  # not rejected
    assert client.get(f"/polls/{debate_poll}/comments/{with_reason}/appeal").status_code == 405
    with app.app_context():
        assert db.session.get(Comment, with_reason).appealed_at is None
        assert db.session.get(Comment, published).status == "approved"
    assert appeals_logged(app) == 0


def test_a_closed_polls_comments_cannot_be_appealed(app, client, debate_poll, three_of_mine):
    _, with_reason, _ = three_of_mine
    with app.app_context():
        poll_by_slug(debate_poll).closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.post(f"/polls/{debate_poll}/comments/{with_reason}/appeal", data={"note": "Please."})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Comment, with_reason).appealed_at is None


# Nothing typed is lost -------------------------------------------------------------


def textarea_holds(page: str, text: str) -> bool:
    return f">\r\n{escape(text)}</textarea>" in page or f">{escape(text)}</textarea>" in page


def test_a_refused_comment_comes_back_in_the_form_beside_its_message(client, open_debate):
    body = "Talks, " + "x" * 2001
    response = post(client, open_debate, body, name="Mina")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert textarea_holds(page, body) and 'value="Mina"' in page
    form = page.split('id="comment-form"')[1].split("</form>")[0]
    assert "2,000 characters or fewer" in form
    assert 'aria-describedby="body-errors body-hint"' in form


def pasted_essay(length: int) -> str:
    """A long comment that reads to its end, so a cut would show."""
    sentence = "Sanctions need enforcement before talks can work. "
    text = (sentence * (length // len(sentence) + 1))[: length - len(" THE END.")]
    return text + " THE END."


def test_a_2900_character_comment_comes_back_whole_with_its_length_and_the_limit(app, client, open_debate):
    body = pasted_essay(2900)
    response = post(client, open_debate, body, name="Mina")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    form = page.split('id="comment-form"')[1].split("</form>")[0]
    errors = form.split('id="body-errors"')[1].split("</ul>")[0]
    assert "keep your comment to 2,000 characters or fewer: it has 2,900, 900 too many" in errors
    assert "Nothing was cut" in errors
    assert textarea_holds(form, body)  # every character, up to THE END.
    assert "maxlength" not in form and 'data-limit="2000"' in form
    assert comments_of(app) == []


def test_a_2900_character_reply_comes_back_whole_in_its_open_form(app, client, open_debate):
    post(client, open_debate, "Talks first.")
    [parent] = comments_of(app)
    body = pasted_essay(2900)
    response = client.post(f"/polls/{open_debate}/comments/{parent.id}/replies", data={"body": body})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    form = page.split(f'id="reply-{parent.id}"', 1)[1].split("</form>", 1)[0]
    assert "it has 2,900, 900 too many" in form
    assert textarea_holds(form, body) and "maxlength" not in form
    assert len(comments_of(app)) == 1


def test_a_line_break_counts_as_one_character_as_the_reader_sees_it(app, client, open_debate):
    """The browser sends each line break as CRLF; the counter under the field counts it as one."""
    body = "\r\n".join(["x" * 199] * 10) + "x"  # 1,991 letters and 9 line breaks: 2,009 sent
    assert post(client, open_debate, body).status_code == 302
    assert post(client, open_debate, body + "x").status_code == 400  # 2,001 as the reader counts
    assert [len(comment.body.replace("\r\n", "\n")) for comment in comments_of(app)] == [2000]


class TestExpiredForm:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_an_expired_comment_form_keeps_the_text_and_offers_a_fresh_token(self, app, client, open_debate):
        client.get(f"/polls/{open_debate}/debate")
        body = 'He said "talk" -- twice.'
        response = post(client, open_debate, body, name="Mina", csrf_token="expired")
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        form = page.split('id="comment-form"')[1].split("</form>")[0]
        assert "form had expired" in form and textarea_holds(form, body)
        assert comments_of(app) == []
        again = post(client, open_debate, body, name="Mina", csrf_token=csrf_token_from(form))
        assert again.status_code == 302 and [c.body for c in comments_of(app)] == [body]

    def test_an_expired_appeal_form_keeps_the_note(self, app, client, open_debate):
        token = csrf_token_from(client.get(f"/polls/{open_debate}/debate").get_data(as_text=True))
        post(client, open_debate, "Strikes.", csrf_token=token)
        [comment] = comments_of(app)
        with app.app_context():
            db.session.get(Comment, comment.id).status = "rejected"
            db.session.commit()
        url = f"/polls/{open_debate}/comments/{comment.id}/appeal"
        response = client.post(url, data={"note": "Please look again.", "csrf_token": "old"})
        assert response.status_code == 400
        item = my_section(response.get_data(as_text=True))
        assert "form had expired" in item and "Please look again.</textarea>" in item
        assert comments_of(app)[0].appealed_at is None
        assert client.post(url, data={"note": "Please.", "csrf_token": token}).status_code == 302

    def test_other_forms_still_get_the_error_page(self, client, open_debate):
        response = client.post(f"/polls/{open_debate}/vote", data={"choice": "military", "csrf_token": "x"})
        assert response.status_code == 400 and "Form expired" in response.get_data(as_text=True)


class TestCommentLimit:
    @pytest.fixture
    def app_config(self):
        return {
            "RATELIMIT_ENABLED": True,
            "COMMENT_LIMIT_PER_VOTER": "2 per minute",
            "COMMENT_LIMIT_PER_IP": "50 per minute",
        }

    def test_refused_attempts_do_not_count_and_the_429_keeps_the_text(self, app, client, open_debate):
        assert post(client, open_debate, "").status_code == 400
        assert post(client, open_debate, "x" * 2001).status_code == 400
        assert post(client, open_debate, "Talks one.").status_code == 302
        assert post(client, open_debate, "Talks two.").status_code == 302
        response = post(client, open_debate, "Talks three, kept.")
        page = response.get_data(as_text=True)
        assert response.status_code == 429
        assert 0 < int(response.headers["Retry-After"]) <= 61
        form = page.split('id="comment-form"')[1].split("</form>")[0]
        assert "Too many requests" in form and "You can post again in about 1 minute (after " in form
        assert textarea_holds(form, "Talks three, kept.")
        # The refused post did not count either: the next one is refused the same way, not later.
        assert post(client, open_debate, "Talks four.").status_code == 429
        assert [c.body for c in comments_of(app)] == ["Talks one.", "Talks two."]


# Muted voters -----------------------------------------------------------------------


def test_a_muted_voter_is_refused_beside_the_form_with_the_text_kept(app, client, open_debate):
    voter_id = voter_id_of(app, client, open_debate)
    until = utcnow() + timedelta(days=1)
    with app.app_context():
        db.session.add(VoterMute(voter_id=voter_id, reason="Insults.", expires_at=until))
        db.session.commit()
    response = post(client, open_debate, "Talks <please>.")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    form = page.split('id="comment-form"')[1].split("</form>")[0]
    assert f"until {until:%-d %B %Y, %H:%M} UTC" in form and textarea_holds(form, "Talks <please>.")
    assert comments_of(app) == []
    assert post(app.test_client(), open_debate, "Someone else is not muted.").status_code == 302
    with app.app_context():
        db.session.execute(db.update(VoterMute).values(lifted_at=utcnow()))
        db.session.commit()
    assert post(client, open_debate, "Talks again.").status_code == 302


def test_a_muted_voter_reads_the_mute_on_the_form_before_typing(app, client, open_debate):
    voter_id = voter_id_of(app, client, open_debate)
    form_before = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert "paused comments from this browser" not in form_before
    until = utcnow() + timedelta(days=1)
    with app.app_context():
        db.session.add(VoterMute(voter_id=voter_id, reason="Insults.", expires_at=until))
        db.session.commit()
    page = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    form = page.split('id="comment-form"')[1].split("</form>")[0]
    assert "A moderator has paused comments from this browser until" in form
    other = app.test_client().get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert "paused comments from this browser" not in other

"""Posting comments: the rules without HTTP, and through the debate's form."""

import pytest
from markupsafe import escape

from poll.database.column_types import utcnow
from poll.database.models import FLAG_STANCE_VOTE_MISMATCH, MODERATION_POST
from poll.debate.comments import post_comment
from poll.debate.flags import refresh_tag_flags, stance_contradicts_vote
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote
from poll.tagging import TAGGER_VERSION, tag
from tests.conftest import csrf_token_from
from tests.helpers import comments_of, post, threads_by_side


@pytest.mark.parametrize(
    "stance, vote, expected",
    [
        ("military", "diplomacy", True),
        ("diplomacy", "military", True),
        ("military", "military", False),
        ("neutral", "military", False),
        ("military", "undecided", False),
        ("military", None, False),
    ],
)
def test_stance_contradicts_vote(stance, vote, expected):
    assert stance_contradicts_vote(stance, vote) is expected


def test_flag_follows_a_corrected_tag(app, debate_poll):
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        cast_vote(poll, poll.choice_by_key("diplomacy"), "v" * 32, utcnow())
        comment = post_comment(
            poll,
            "v" * 32,
            "Talks have failed for thirty years. Shoot down every missile they fire and hit the launch pads before the next one.",
            "",
            "",
            utcnow(),
        )
        assert comment.flag_names == [FLAG_STANCE_VOTE_MISMATCH]
        comment.stance = "diplomacy"
        refresh_tag_flags(comment)
        assert comment.flag_names == []
        db.session.commit()


def test_post_moderated_poll_publishes_at_once(app, make_poll):
    slug = make_poll(moderation_mode=MODERATION_POST)
    with app.app_context():
        comment = post_comment(poll_by_slug(slug), "v" * 32, "Talks now.", "", "", utcnow())
        assert comment.status == "approved"
        assert comment.author_choice is None


# Through the debate's form ---------------------------------------------------------------


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
    unsure = "Talks again? Sure, why not, I guess."
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


@pytest.mark.parametrize("poll_language, language", [("es", "es"), (None, "en")])
def test_a_one_line_comment_the_detector_is_unsure_of_is_read_in_its_polls_language(
    app, client, open_debate, poll_language, language
):
    with app.app_context():
        poll_by_slug(open_debate).language = poll_language
        db.session.commit()
    post(client, open_debate, "Cállate, payaso, que no das una.")
    [comment] = comments_of(app)
    assert comment.language == language
    assert comment.incivility is not None

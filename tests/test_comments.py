"""Posting comments and reading the debate."""

import pytest

from poll.extensions import db
from poll.models import FLAG_STANCE_VOTE_MISMATCH, MODERATION_POST, Comment
from poll.services.polls import poll_by_slug
from poll.tagging import TAGGER_VERSION

from .conftest import csrf_token_from


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


@pytest.fixture
def open_debate(make_poll):
    """A post-moderated poll with the debate's choice keys."""
    return make_poll(
        slug="open-debate",
        moderation_mode=MODERATION_POST,
        choices=[("military", "Military"), ("diplomacy", "Diplomacy"), ("undecided", "Undecided")],
    )


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
    assert "Your comments awaiting review" in own_view and "Talks are the only way" in own_view
    public_view = post_free_client(app).get(f"/polls/{debate_poll}/debate").get_data(as_text=True)
    assert "Talks are the only way" not in public_view


def post_free_client(app):
    return app.test_client()


def test_comment_on_postmoderated_poll_is_public_in_its_stance_column(app, client, open_debate):
    post(client, open_debate, "Diplomacy has failed for decades; respond with force.")
    post(client, open_debate, "Keep negotiating, a deal is possible.")
    post(client, open_debate, "How many missiles were fired?")
    page = app.test_client().get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    military = page.index('id="heading-military"')
    diplomacy = page.index('id="heading-diplomacy"')
    neutral = page.index('id="heading-neutral"')
    assert military < page.index("respond with force") < diplomacy
    assert diplomacy < page.index("Keep negotiating") < neutral
    assert neutral < page.index("How many missiles")
    assert "Anonymous reader" in page
    assert "has not voted" in page


def test_comment_records_the_authors_vote_and_flags_a_mismatch(app, client, open_debate):
    client.post(f"/polls/{open_debate}/vote", data={"choice": "diplomacy"})
    post(client, open_debate, "Only a stronger military response will stop these launches.")
    post(client, open_debate, "Talks are the way forward.")
    hawkish, dovish = comments_of(app)
    assert hawkish.author_choice.key == "diplomacy"
    assert hawkish.flag_names == [FLAG_STANCE_VOTE_MISMATCH]
    assert dovish.flag_names == []


def test_plain_text_is_shown_as_text_with_line_breaks_and_no_links(app, client, open_debate):
    post(client, open_debate, "I <3 peace & quiet.\nSecond line: see https://example.com/more")
    page = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert "I &lt;3 peace &amp; quiet.\nSecond line" in page
    assert 'href="https://example.com' not in page


def test_newest_first_and_paged(app, client, open_debate):
    app.config["COMMENTS_PER_PAGE"] = 2
    for number in range(5):
        post(client, open_debate, f"Talks round {number} would help.")
    with app.app_context():  # one column, whatever the tagger made of them: this is about paging
        db.session.execute(db.update(Comment).values(corrected_stance="diplomacy"))
        db.session.commit()
    first = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert first.index("round 4") < first.index("round 3")
    assert "round 2" not in first and 'rel="next"' in first
    third = client.get(f"/polls/{open_debate}/debate?page=3").get_data(as_text=True)
    assert "round 0" in third and 'rel="next"' not in third


@pytest.mark.parametrize("page", ["abc", "-4", "0", "99999999999", "1.5"])
def test_odd_page_numbers_still_give_a_page(client, open_debate, page):
    assert client.get(f"/polls/{open_debate}/debate?page={page}").status_code == 200


def test_a_comment_the_tagger_cannot_read_is_shown_with_the_other_views(client, open_debate):
    post(client, open_debate, "북한과의 대화가 필요합니다. 군사적 대응은 너무 위험합니다.")
    page = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    neutral = page.split('class="debate__neutral"')[1].split("</section>")[0]
    assert "북한과의 대화가 필요합니다." in neutral
    assert "No comments here yet." not in neutral


def test_moderator_correction_moves_a_comment_to_another_column(app, client, open_debate):
    post(client, open_debate, "How many missiles were fired?")
    with app.app_context():
        comment = db.session.execute(db.select(Comment)).scalar_one()
        comment.corrected_stance = "military"
        db.session.commit()
    page = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert (
        page.index('id="heading-military"')
        < page.index("How many missiles")
        < page.index('id="heading-diplomacy"')
    )


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
        ("<script>alert('x')</script>", "", "plain text"),
        ('<img src=x onerror="alert(1)">', "", "plain text"),
        ("Click javascript:alert(1)", "", "plain text"),
        ("'; DROP TABLE comment; --", "", "database command"),
        ("' OR 1=1 --", "", "database command"),
        ("1 UNION SELECT password FROM moderator", "", "database command"),
        ("A fine comment", "n" * 51, "50 characters or fewer"),
        ("A fine comment", "<b>Boss</b>", "plain text"),
        ("A fine comment", "Tab\x1bEscape", "control characters"),
    ],
    ids=[
        "empty",
        "whitespace",
        "too-long",
        "bell",
        "nul",
        "script",
        "img-onerror",
        "js-url",
        "sql-drop",
        "sql-or",
        "sql-union",
        "name-too-long",
        "name-html",
        "name-escape",
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

    from poll.db_types import utcnow

    slug = make_poll(closes_at=utcnow() - timedelta(minutes=1))
    response = post(client, slug, "Talks please.")
    assert response.status_code == 403
    assert "closed" in response.get_data(as_text=True)
    assert comments_of(app) == []


def test_unknown_poll_comment_is_404(client):
    assert post(client, "nope", "Talks please.").status_code == 404


def test_poll_page_offers_the_comment_form_and_the_debate(client, debate_poll):
    page = client.get(f"/polls/{debate_poll}").get_data(as_text=True)
    assert f'action="/polls/{debate_poll}/comments"' in page
    assert f'href="/polls/{debate_poll}/debate"' in page
    assert 'maxlength="2000"' in page


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

"""A refused comment or reply comes back whole beside its reason: too long, an expired form, the limit."""

import pytest

from poll.database.column_types import utcnow
from poll.database.models import Comment
from poll.debate.comments import post_comment
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from tests.conftest import csrf_token_from
from tests.debate.building import voter as token
from tests.helpers import comments_of, my_section, post, reader, say, textarea_holds


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


# Replies and marks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, words",
    [
        ({"body": ""}, "Please write a comment"),
        ({"body": "x" * 2001}, "2,000 characters or fewer"),
        ({"body": "Fine", "display_name": "n" * 51}, "50 characters or fewer"),
        ({"body": "Bell \x07"}, "control characters"),
    ],
    ids=["empty", "too-long", "long-name", "control"],
)
def test_a_bad_reply_comes_back_in_its_open_form(app, article, data, words):
    parent = say(reader(app, token(1)), article, "Top level.")
    response = reader(app, token(2)).post(f"/polls/{article}/comments/{parent}/replies", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    form = page.split(f'id="reply-{parent}"', 1)[1].split("</form>", 1)[0]
    assert words in form
    assert '<details class="reply-box" open>' in page
    typed = data["body"][:40].replace("\x07", "")
    assert typed in form  # what was typed is kept


class TestReplyLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "COMMENT_LIMIT_PER_VOTER": "2 per minute"}

    def test_replies_are_rate_limited_and_the_text_comes_back(self, app, article):
        parent = say(reader(app, token(1)), article, "Reply to me.")
        replier = reader(app, token(2))
        url = f"/polls/{article}/comments/{parent}/replies"
        statuses = [replier.post(url, data={"body": f"Reply {n}"}).status_code for n in range(2)]
        refused = replier.post(url, data={"body": "One too many."})
        assert statuses == [302, 302] and refused.status_code == 429
        form = refused.get_data(as_text=True).split(f'id="reply-{parent}"', 1)[1].split("</form>", 1)[0]
        assert "One too many." in form and "You can post again in about" in form

    def test_comments_and_replies_share_one_limit(self, app, article):
        parent = say(reader(app, token(1)), article, "Reply to me.")
        poster = reader(app, token(2))
        assert poster.post(f"/polls/{article}/comments", data={"body": "A comment."}).status_code == 302
        url = f"/polls/{article}/comments/{parent}/replies"
        assert poster.post(url, data={"body": "A reply."}).status_code == 302
        assert poster.post(url, data={"body": "A second reply."}).status_code == 429
        assert poster.post(f"/polls/{article}/comments", data={"body": "Another."}).status_code == 429


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_marks_and_replies_need_the_forms_token(self, app, article):
        with app.app_context():
            parent = post_comment(poll_by_slug(article), "a" * 32, "Top.", "", "", utcnow())
            db.session.commit()
            parent_id = parent.id
        client = reader(app, token(2))
        assert client.post(f"/polls/{article}/comments/{parent_id}/mark").status_code == 400
        refused = client.post(f"/polls/{article}/comments/{parent_id}/replies", data={"body": "Kept text."})
        assert refused.status_code == 400
        refused_form = (
            refused.get_data(as_text=True).split(f'id="reply-{parent_id}"', 1)[1].split("</form>", 1)[0]
        )
        assert "Kept text." in refused_form and "please post it again" in refused_form
        page = client.get(f"/polls/{article}/debate").get_data(as_text=True)
        reply_form = page.split(f'id="reply-{parent_id}"', 1)[1].split("</form>", 1)[0]
        assert 'name="csrf_token"' in reply_form
        with app.app_context():
            assert db.session.execute(db.select(db.func.count()).select_from(Comment)).scalar() == 1

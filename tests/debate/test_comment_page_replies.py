"""A reply sent from a comment's own page comes back to that page (posted, awaiting review or
refused), and the page it names is always one of this thread's: the form cannot send a reader elsewhere."""

from datetime import timedelta

import pytest

from poll.database.column_types import utcnow
from poll.database.models import COMMENT_PENDING, MODERATION_POST, MODERATION_PRE, Comment
from poll.debate.comments import post_comment
from poll.debate.mutes import mute
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.voters.cookie import VOTER_COOKIE, sign_voter_token
from poll.voters.pseudonyms import voter_id_for


@pytest.fixture
def article(make_poll):
    return make_poll(slug="article", moderation_mode=MODERATION_POST)


def reader(app, n: int):
    client = app.test_client()
    with app.app_context():
        client.set_cookie(VOTER_COOKIE, sign_voter_token(f"{n:032d}"))
    return client


def published(app, slug: str, body: str, parent_id: int | None = None) -> int:
    with app.app_context():
        parent = db.session.get(Comment, parent_id) if parent_id else None
        comment = post_comment(poll_by_slug(slug), "a" * 32, body, "", "", utcnow(), parent=parent)
        db.session.commit()
        return comment.id


def reply_url(slug: str, parent: int) -> str:
    return f"/polls/{slug}/comments/{parent}/replies"


def newest_reply(app, parent: int) -> Comment:
    with app.app_context():
        query = db.select(Comment).where(Comment.parent_id == parent).order_by(Comment.id.desc())
        return db.session.execute(query.limit(1)).scalar_one()


def test_a_reply_from_the_comments_page_lands_back_there_at_the_reply(app, article):
    parent = published(app, article, "Top level.")
    response = reader(app, 2).post(reply_url(article, parent), data={"body": "Seen.", "back": str(parent)})
    reply = newest_reply(app, parent)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/polls/{article}/comments/{parent}#comment-{reply.id}"


def test_a_reply_from_a_replys_page_lands_back_on_that_page(app, article):
    parent = published(app, article, "Top level.")
    earlier = published(app, article, "An earlier reply.", parent_id=parent)
    response = reader(app, 2).post(reply_url(article, parent), data={"body": "Seen.", "back": str(earlier)})
    reply = newest_reply(app, parent)
    assert response.headers["Location"] == f"/polls/{article}/comments/{earlier}#comment-{reply.id}"


@pytest.mark.parametrize("other", ["another-thread", "another-poll", "unknown", "not-a-number"])
def test_a_back_field_naming_another_page_lands_on_the_parents_page(app, article, make_poll, other):
    parent = published(app, article, "Top level.")
    back = {
        "another-thread": lambda: str(published(app, article, "Another thread.")),
        "another-poll": lambda: str(published(app, make_poll(slug="elsewhere"), "Elsewhere.")),
        "unknown": lambda: "987654",
        "not-a-number": lambda: "https://evil.example/",
    }[other]()
    response = reader(app, 2).post(reply_url(article, parent), data={"body": "Seen.", "back": back})
    location = response.headers["Location"]
    if other == "not-a-number":  # no page named at all: the reply came from the debate page
        assert location.startswith(f"/polls/{article}/debate")
    else:
        assert location.startswith(f"/polls/{article}/comments/{parent}#comment-")


def test_a_reply_awaiting_review_lands_on_the_comments_page_with_the_message(app, make_poll):
    slug = make_poll(slug="held", moderation_mode=MODERATION_PRE)
    with app.app_context():
        parent = post_comment(poll_by_slug(slug), "a" * 32, "Top level.", "", "", utcnow())
        parent.status = "approved"
        db.session.commit()
        parent_id = parent.id
    client = reader(app, 2)
    response = client.post(reply_url(slug, parent_id), data={"body": "Held back.", "back": str(parent_id)})
    assert response.headers["Location"] == f"/polls/{slug}/comments/{parent_id}"
    assert newest_reply(app, parent_id).status == COMMENT_PENDING
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "your reply will appear once a moderator has reviewed it" in page


def test_a_refused_reply_comes_back_on_the_comments_page_with_its_text(app, article):
    parent = published(app, article, "Top level.")
    response = reader(app, 2).post(
        reply_url(article, parent), data={"body": "", "display_name": "n" * 51, "back": str(parent)}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<h1>A comment in the debate</h1>" in page and "All sides" not in page
    form = page.split(f'id="reply-{parent}"', 1)[1].split("</form>", 1)[0]
    assert "Please write a comment" in form and "n" * 51 in form
    assert f'name="back" value="{parent}"' in form  # sent again, it still comes back here
    assert '<details class="reply-box" open>' in page


def test_a_muted_reader_is_told_on_the_comments_page(app, article):
    parent = published(app, article, "Top level.")
    with app.app_context():
        now = utcnow()
        mute(voter_id_for(f"{2:032d}"), "Insults", now + timedelta(hours=2), None, now)
        db.session.commit()
    response = reader(app, 2).post(reply_url(article, parent), data={"body": "Hi.", "back": str(parent)})
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "<h1>A comment in the debate</h1>" in page and "paused comments" in page and "Hi." in page


class TestRefusedByTheLimitOrAnExpiredForm:
    @pytest.fixture
    def app_config(self):
        return {
            "RATELIMIT_ENABLED": True,
            "COMMENT_LIMIT_PER_VOTER": "1 per minute",
            "WTF_CSRF_ENABLED": True,
        }

    def test_both_come_back_on_the_comments_page(self, app, article):
        parent = published(app, article, "Top level.")
        client = reader(app, 2)
        expired = client.post(reply_url(article, parent), data={"body": "Stale.", "back": str(parent)})
        assert expired.status_code == 400
        assert "<h1>A comment in the debate</h1>" in expired.get_data(as_text=True)
        assert "Stale." in expired.get_data(as_text=True)

        page = client.get(f"/polls/{article}/comments/{parent}").get_data(as_text=True)
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        fields = {"csrf_token": token, "back": str(parent)}
        assert client.post(reply_url(article, parent), data={**fields, "body": "One."}).status_code == 302
        refused = client.post(reply_url(article, parent), data={**fields, "body": "Two."})
        assert refused.status_code == 429
        text = refused.get_data(as_text=True)
        assert "<h1>A comment in the debate</h1>" in text and "Two." in text

"""The debate's pages: sides, tabs, sorts and times, replies, a comment's own page, what the routes refuse."""

import re

import pytest

from poll.database.column_types import utcnow
from poll.database.models import COMMENT_APPROVED, COMMENT_PENDING, MODERATION_POST, Comment
from poll.debate.comments import post_comment
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from tests.debate.building import voter as token
from tests.helpers import reader, say, threads_by_side


@pytest.fixture
def car_free(make_poll):
    return make_poll(
        slug="car-free-centre",
        title="A car-free centre?",
        question="Should the town centre be car-free?",
        moderation_mode=MODERATION_POST,
        choices=[("yes", "Yes"), ("no", "No")],
    )


def stored(app, comment_id: int) -> Comment:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        _ = comment.author_choice
        db.session.expunge_all()
        return comment


def test_a_yes_no_poll_shows_its_own_sides_and_files_a_yes_under_yes(app, car_free):
    author = reader(app, token(1))
    author.post(f"/polls/{car_free}/vote", data={"choice": "yes"})
    say(author, car_free, "Yes: give the streets back to people.")
    page = app.test_client().get(f"/polls/{car_free}/debate").get_data(as_text=True)
    assert "For: Yes" in page and "For: No" in page
    assert "military" not in page.lower() and "diplomatic" not in page.lower()
    assert "filed under the side its writer voted for" in page
    assert "Yes: give the streets back to people." in threads_by_side(page)["yes"]
    yes_tab = app.test_client().get(f"/polls/{car_free}/debate?side=yes").get_data(as_text=True)
    assert "Yes: give the streets back to people." in yes_tab
    no_tab = app.test_client().get(f"/polls/{car_free}/debate?side=no").get_data(as_text=True)
    assert "give the streets back" not in no_tab and "No comments here yet." in no_tab


def test_a_new_polls_not_sure_voters_argue_under_other_views_not_a_side_of_their_own(app, admin_client):
    poll = {
        "title": "A car-free centre?",
        "question": "Should the town centre be car-free?",
        "choices": "Yes\nNo\nNot sure",
        "opens_at": "2026-01-01T09:00",
        "moderation_mode": "post",
        "results_visibility": "always",
    }
    assert admin_client.post("/admin/polls/new", data=poll).status_code == 302
    author = reader(app, token(1))
    author.post("/polls/a-car-free-centre/vote", data={"choice": "not-sure"})
    say(author, "a-car-free-centre", "Depends on the buses, honestly.")
    page = app.test_client().get("/polls/a-car-free-centre/debate").get_data(as_text=True)
    tabs = page.split('class="tabs__list"')[1].split("</ul>")[0]
    assert "For: Yes" in tabs and "For: No" in tabs and "Other views" in tabs
    assert "Not sure" not in tabs
    assert "Depends on the buses, honestly." in threads_by_side(page)["neutral"]
    assert app.test_client().get("/polls/a-car-free-centre/debate?side=not-sure").status_code == 400


def test_a_sides_heading_set_by_the_admin_is_used(app, car_free):
    with app.app_context():
        poll_by_slug(car_free).choice_by_key("no").side_heading = "Keep the cars"
        db.session.commit()
    page = app.test_client().get(f"/polls/{car_free}/debate").get_data(as_text=True)
    assert "Keep the cars" in page and "For: No" not in page


def test_the_seeded_poll_files_by_vote_with_neutral_colours(app, client, debate_poll, make_comment):
    from poll.database.column_types import utcnow
    from poll.polls.voting import cast_vote

    with app.app_context():
        poll = poll_by_slug(debate_poll)
        cast_vote(poll, poll.choice_by_key("military"), "v" * 32, utcnow())
        db.session.commit()
    make_comment("Diplomacy has failed for decades; respond with force.", status=COMMENT_APPROVED)
    page = client.get(f"/polls/{debate_poll}/debate").get_data(as_text=True)
    assert "filed under the side its writer voted for" in page
    assert "For: A stronger military response" in page
    assert "respond with force" in threads_by_side(page)["military"]
    assert "debate__column--" not in page  # no per-side colour classes


@pytest.mark.parametrize(
    "query, words",
    [("sort=oldest", "Unknown sort"), ("side=military", "no side"), ("side=" + "x" * 300, "no side")],
)
def test_bad_sort_or_side_is_a_400_with_a_message(client, car_free, query, words):
    response = client.get(f"/polls/{car_free}/debate?{query}")
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)


def test_sort_links_and_the_current_sort(client, car_free):
    page = client.get(f"/polls/{car_free}/debate?sort=valued").get_data(as_text=True)
    assert re.search(r'sort=valued[^"]*"[^>]*aria-current="true">Valued across sides', page)
    assert "sort=replies" in page and "sort=newest" in page


def test_times_are_relative_with_the_exact_utc_time(app, car_free):
    say(reader(app, token(1)), car_free, "Close it on Sundays first.")
    page = app.test_client().get(f"/polls/{car_free}/debate").get_data(as_text=True)
    match = re.search(r'<time datetime="([^"]+)" title="([^"]+ UTC)">just now</time>', page)
    assert match and match.group(1).startswith(str(utcnow().year))


# Replies, and what the reply and mark routes refuse --------------------------


def test_a_reply_shows_under_its_parent_and_records_the_vote(app, article):
    parent = say(reader(app, token(1)), article, "Keep negotiating, a deal is possible.")
    replier = reader(app, token(2))
    replier.post(f"/polls/{article}/vote", data={"choice": "military"})
    response = replier.post(
        f"/polls/{article}/comments/{parent}/replies",
        data={"body": "Deals were broken before.", "sort": "valued"},
    )
    assert response.status_code == 302
    reply_id = int(response.headers["Location"].rsplit("comment-", 1)[1])
    assert "sort=valued" in response.headers["Location"]
    reply = stored(app, reply_id)
    assert reply.parent_id == parent and reply.author_choice.key == "military"
    assert reply.status == COMMENT_APPROVED
    page = app.test_client().get(f"/polls/{article}/debate").get_data(as_text=True)
    replies = page.split(f'id="comment-{parent}"', 1)[1].split('class="thread"', 1)[0]
    assert '<ol class="replies"' in replies and "Deals were broken before." in replies
    assert "1 reply" in replies


def test_a_reply_on_a_premoderated_poll_waits_for_review(app, debate_poll, make_comment):
    parent = make_comment("Talks are the way forward.", status=COMMENT_APPROVED)
    client = reader(app, token(3))
    response = client.post(f"/polls/{debate_poll}/comments/{parent}/replies", data={"body": "Agreed."})
    assert response.status_code == 302 and response.headers["Location"].endswith("#awaiting-review")
    with app.app_context():
        reply = db.session.execute(db.select(Comment).where(Comment.parent_id == parent)).scalar_one()
        assert reply.status == COMMENT_PENDING
    assert "Agreed." not in app.test_client().get(f"/polls/{debate_poll}/debate").get_data(as_text=True)


def test_replies_to_replies_other_polls_and_unpublished_comments_are_refused(app, article, car_free):
    author = reader(app, token(1))
    parent = say(author, article, "Top level.")
    child = int(
        author.post(f"/polls/{article}/comments/{parent}/replies", data={"body": "A reply."})
        .headers["Location"]
        .rsplit("comment-", 1)[1]
    )
    elsewhere = say(author, car_free, "Another poll's comment.")
    with app.app_context():
        pending = post_comment(poll_by_slug(article), "p" * 32, "Held.", "", "", utcnow())
        pending.status = COMMENT_PENDING
        db.session.commit()
        pending_id = pending.id
    cases = [
        (child, 400, "one level deep"),
        (elsewhere, 404, "no such comment"),
        (pending_id, 404, "not published"),
        (123456, 404, "no such comment"),
    ]
    for comment_id, status, words in cases:
        response = author.post(f"/polls/{article}/comments/{comment_id}/replies", data={"body": "Hm."})
        assert response.status_code == status, comment_id
        assert words in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Comment)).scalar() == 4


def test_replies_are_refused_on_a_closed_poll(app, article):
    parent = say(reader(app, token(1)), article, "Top level.")
    with app.app_context():
        poll_by_slug(article).closes_at = utcnow()
        db.session.commit()
    response = reader(app, token(2)).post(
        f"/polls/{article}/comments/{parent}/replies", data={"body": "Late."}
    )
    assert response.status_code == 403


def test_no_reply_or_mark_route_for_a_bad_poll_or_id(client, article):
    assert client.post("/polls/nope/comments/1/replies", data={"body": "x"}).status_code == 404
    assert client.post("/polls/nope/comments/1/mark").status_code == 404
    assert client.post(f"/polls/{article}/comments/abc/mark").status_code == 404
    assert client.get(f"/polls/{article}/comments/1/mark").status_code == 405


def test_unpublished_or_unknown_comments_cannot_be_marked(app, article, car_free):
    marker = reader(app, token(2))
    marker.post(f"/polls/{article}/vote", data={"choice": "military"})
    elsewhere = say(reader(app, token(1)), car_free, "Another poll's.")
    for comment_id in (elsewhere, 99999):
        response = marker.post(f"/polls/{article}/comments/{comment_id}/mark")
        assert response.status_code == 404
        assert "no such published comment" in response.get_data(as_text=True)


# Permalinks ------------------------------------------------------------------


def test_a_comment_has_its_own_page(app, article):
    author = reader(app, token(1))
    parent = say(author, article, "Top level with a permalink.")
    child = int(
        author.post(f"/polls/{article}/comments/{parent}/replies", data={"body": "The reply."})
        .headers["Location"]
        .rsplit("comment-", 1)[1]
    )
    page = app.test_client().get(f"/polls/{article}/comments/{parent}").get_data(as_text=True)
    assert "Top level with a permalink." in page and "The reply." in page
    reply_page = app.test_client().get(f"/polls/{article}/comments/{child}").get_data(as_text=True)
    assert "Top level with a permalink." in reply_page and "comment--focus" in reply_page
    debate = app.test_client().get(f"/polls/{article}/debate").get_data(as_text=True)
    assert f'href="/polls/{article}/comments/{parent}"' in debate


def test_permalinks_of_unpublished_foreign_or_unknown_comments_are_404(app, article, car_free):
    elsewhere = say(reader(app, token(1)), car_free, "Car-free please.")
    with app.app_context():
        pending = post_comment(poll_by_slug(article), "p" * 32, "Held.", "", "", utcnow())
        pending.status = COMMENT_PENDING
        db.session.commit()
        pending_id = pending.id
    client = app.test_client()
    for path in (
        f"{article}/comments/{elsewhere}",
        f"{article}/comments/{pending_id}",
        f"{article}/comments/0",
    ):
        assert client.get(f"/polls/{path}").status_code == 404
    assert client.get("/polls/no-such/comments/1").status_code == 404


def test_pages_carry_no_inline_script_or_style(app, article):
    author = reader(app, token(1))
    parent = say(author, article, "Top.")
    author.post(f"/polls/{article}/comments/{parent}/replies", data={"body": "Reply."})
    for path in (f"/polls/{article}/debate", f"/polls/{article}/comments/{parent}"):
        page = app.test_client().get(path).get_data(as_text=True)
        assert " style=" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)

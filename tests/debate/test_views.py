"""The debate page: sides from the poll, tabs and sorts, replies, good points, permalinks, the split."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from poll.database.column_types import utcnow
from poll.database.models import COMMENT_APPROVED, COMMENT_PENDING, MODERATION_POST, Comment, CommentMark
from poll.debate.comments import post_comment
from poll.debate.marks import toggle_mark
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote
from poll.voters.cookie import VOTER_COOKIE, sign_voter_token
from poll.voters.pseudonyms import voter_id_for
from tests.helpers import threads_by_side


@pytest.fixture
def car_free(make_poll):
    return make_poll(
        slug="car-free-centre",
        title="A car-free centre?",
        question="Should the town centre be car-free?",
        moderation_mode=MODERATION_POST,
        choices=[("yes", "Yes"), ("no", "No")],
    )


def reader(app, token: str):
    """A browser with its own voter cookie (token: 32 characters)."""
    client = app.test_client()
    with app.app_context():
        client.set_cookie(VOTER_COOKIE, sign_voter_token(token))
    return client


def token(n: int) -> str:
    return f"{n:032d}"


def voter(app, n: int) -> str:
    with app.app_context():
        return voter_id_for(token(n))


def stored(app, comment_id: int) -> Comment:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        _ = comment.author_choice
        db.session.expunge_all()
        return comment


def marks_of(app, comment_id: int) -> int:
    with app.app_context():
        return db.session.execute(
            db.select(db.func.count()).select_from(CommentMark).where(CommentMark.comment_id == comment_id)
        ).scalar()


def say(client, slug, body, name=""):
    response = client.post(f"/polls/{slug}/comments", data={"body": body, "display_name": name})
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("comment-", 1)[1])


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


# Replies ---------------------------------------------------------------------


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


# Good points -----------------------------------------------------------------


def test_marking_toggles_and_shows_the_count(app, article):
    target = say(reader(app, token(1)), article, "Sanctions and talks together.")
    marker = reader(app, token(2))
    marker.post(f"/polls/{article}/vote", data={"choice": "military"})
    page = marker.get(f"/polls/{article}/debate").get_data(as_text=True)
    assert 'aria-pressed="false">Good point' in page
    response = marker.post(f"/polls/{article}/comments/{target}/mark", data={"sort": "valued", "shown": "40"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#comment-{target}")
    assert "sort=valued" in response.headers["Location"] and "shown=40" in response.headers["Location"]
    assert marks_of(app, target) == 1
    page = marker.get(f"/polls/{article}/debate").get_data(as_text=True)
    assert 'aria-pressed="true">Good point' in page and "1 good point" in page
    marker.post(f"/polls/{article}/comments/{target}/mark")
    assert marks_of(app, target) == 0


def test_marks_count_across_sides_on_the_page(app, article):
    author = reader(app, token(1))
    author.post(f"/polls/{article}/vote", data={"choice": "military"})
    target = say(author, article, "Deterrence and a hotline.")
    for n, choice in ((2, "military"), (3, "diplomacy")):
        client = reader(app, token(n))
        client.post(f"/polls/{article}/vote", data={"choice": choice})
        client.post(f"/polls/{article}/comments/{target}/mark")
    page = app.test_client().get(f"/polls/{article}/debate").get_data(as_text=True)
    assert "2 good points, 1 from voters of another side" in page


def test_own_comments_and_non_voters_cannot_mark(app, article):
    author = reader(app, token(1))
    author.post(f"/polls/{article}/vote", data={"choice": "military"})
    target = say(author, article, "My own point.")
    response = author.post(f"/polls/{article}/comments/{target}/mark")
    assert response.status_code == 403 and "your own comment" in response.get_data(as_text=True)
    assert 'aria-pressed="false">Good point' not in author.get(f"/polls/{article}/debate").get_data(
        as_text=True
    )
    stranger = app.test_client()
    response = stranger.post(f"/polls/{article}/comments/{target}/mark")
    assert response.status_code == 403 and "Vote in the poll first" in response.get_data(as_text=True)
    assert marks_of(app, target) == 0


def test_unpublished_or_unknown_comments_cannot_be_marked(app, article, car_free):
    marker = reader(app, token(2))
    marker.post(f"/polls/{article}/vote", data={"choice": "military"})
    elsewhere = say(reader(app, token(1)), car_free, "Another poll's.")
    for comment_id in (elsewhere, 99999):
        response = marker.post(f"/polls/{article}/comments/{comment_id}/mark")
        assert response.status_code == 404
        assert "no such published comment" in response.get_data(as_text=True)


def test_fifty_voters_marking_at_once_give_exactly_fifty(app, article):
    target = say(reader(app, token(999)), article, "One comment, fifty marks.")
    with app.app_context():
        poll = poll_by_slug(article)
        for n in range(50):
            cast_vote(poll, poll.choice_by_key("diplomacy"), voter_id_for(token(n)), utcnow())
        db.session.commit()
    start = threading.Barrier(50)

    def mark(n: int) -> bool:
        with app.app_context():
            start.wait(timeout=30)
            marked = toggle_mark(poll_by_slug(article), target, voter_id_for(token(n)), utcnow())
            db.session.commit()
            return marked

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(mark, range(50)))
    assert results == [True] * 50
    assert marks_of(app, target) == 50


def test_the_same_voter_marking_twice_at_once_is_never_counted_twice(app, article):
    target = say(reader(app, token(999)), article, "Double click.")
    with app.app_context():
        poll = poll_by_slug(article)
        cast_vote(poll, poll.choice_by_key("military"), voter_id_for(token(1)), utcnow())
        db.session.commit()
    start = threading.Barrier(10)

    def mark(_):
        with app.app_context():
            start.wait(timeout=30)
            toggle_mark(poll_by_slug(article), target, voter_id_for(token(1)), utcnow())
            db.session.commit()

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(mark, range(10)))
    assert marks_of(app, target) in (0, 1)


class TestMarkLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "MARK_LIMIT_PER_VOTER": "3 per minute"}

    def test_marks_are_rate_limited_per_voter(self, app, article):
        target = say(reader(app, token(1)), article, "Click me a lot.")
        marker = reader(app, token(2))
        marker.post(f"/polls/{article}/vote", data={"choice": "military"})
        statuses = [marker.post(f"/polls/{article}/comments/{target}/mark").status_code for _ in range(4)]
        assert statuses == [302, 302, 302, 429]
        assert marks_of(app, target) == 1
        other = reader(app, token(3))
        other.post(f"/polls/{article}/vote", data={"choice": "military"})
        assert other.post(f"/polls/{article}/comments/{target}/mark").status_code == 302

    def test_a_refused_mark_issues_no_voter_cookie(self, app, article):
        """#27 item 16: the limit's key no longer makes a voter of a browser that may not mark."""
        target = say(reader(app, token(1)), article, "Mark me.")
        stranger = app.test_client()
        response = stranger.post(f"/polls/{article}/comments/{target}/mark")
        assert response.status_code == 403
        assert not any(header.startswith("voter=") for header in response.headers.getlist("Set-Cookie"))


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


# Permalinks, show more, the split ---------------------------------------------


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


def test_show_more_loads_the_next_comments_and_keeps_the_place(app, article):
    app.config["COMMENTS_PER_PAGE"] = 2
    author = reader(app, token(1))
    ids = [say(author, article, f"Point number {n}.") for n in range(3)]
    page = app.test_client().get(f"/polls/{article}/debate?sort=replies").get_data(as_text=True)
    link = re.search(r'href="([^"]*shown=4[^"]*)"', page).group(1)
    assert "sort=replies" in link and link.endswith(f"#comment-{ids[1]}")
    more = app.test_client().get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert all(f"Point number {n}." in more for n in range(3)) and "shown=6" not in more


def test_the_split_shows_the_tally_only_to_those_who_may_see_it(app, debate_poll, make_comment):
    comment_id = make_comment("Talks are the way forward.", status=COMMENT_APPROVED)
    with app.app_context():
        db.session.get(Comment, comment_id).corrected_stance = "diplomacy"  # checked by a moderator
        db.session.commit()
    stranger = app.test_client().get(f"/polls/{debate_poll}/debate").get_data(as_text=True)
    assert "How the debate splits" in stranger and "Results so far" not in stranger
    assert "The tally shows here once you have voted." in stranger
    voter_client = reader(app, token(5))
    voter_client.post(f"/polls/{debate_poll}/vote", data={"choice": "diplomacy"})
    page = voter_client.get(f"/polls/{debate_poll}/debate").get_data(as_text=True)
    assert "Results so far" in page and "Checked comments by the commenter" in page
    table = page.split('class="split__table"', 1)[1].split("</table>", 1)[0]
    assert "Has not voted" in table and "<td>1</td>" in table


def test_the_split_picks_a_good_point_from_the_other_side(app, article):
    dove = reader(app, token(1))
    dove.post(f"/polls/{article}/vote", data={"choice": "diplomacy"})
    target = say(dove, article, "Talks bought us quiet years.")
    hawk = reader(app, token(2))
    hawk.post(f"/polls/{article}/vote", data={"choice": "military"})
    hawk.post(f"/polls/{article}/comments/{target}/mark")
    page = app.test_client().get(f"/polls/{article}/debate").get_data(as_text=True)
    aside = page.split('id="split-heading"', 1)[1]
    assert "Those who voted &ldquo;Military&rdquo; found this a good point:" in aside
    assert "Talks bought us quiet years." in aside.split("Military&rdquo;", 1)[1].split("</li>", 1)[0]


def test_pages_carry_no_inline_script_or_style(app, article):
    author = reader(app, token(1))
    parent = say(author, article, "Top.")
    author.post(f"/polls/{article}/comments/{parent}/replies", data={"body": "Reply."})
    for path in (f"/polls/{article}/debate", f"/polls/{article}/comments/{parent}"):
        page = app.test_client().get(path).get_data(as_text=True)
        assert " style=" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)


@pytest.mark.parametrize("field", ["back", "shown"])
def test_a_number_that_only_looks_like_digits_sends_the_reader_back_safely(app, article, field):
    """'²'.isdigit() is true but int('²') fails: the mark is kept and the reader returns to the debate."""
    target = say(reader(app, token(1)), article, "Mark me.")
    marker = reader(app, token(2))
    marker.post(f"/polls/{article}/vote", data={"choice": "military"})
    response = marker.post(f"/polls/{article}/comments/{target}/mark", data={field: "²"})
    assert response.status_code == 302 and f"/polls/{article}/debate" in response.headers["Location"]
    assert marks_of(app, target) == 1

"""What a reader meets first, in Chromium with JavaScript off, at the issue's two sizes: the
question and its Vote on a phone's first screen (the summary folded below), the debate's size on
the card, a 'Join the debate' link that reaches the form past 40 threads, and a reply sent from a
comment's own page that comes back there."""

import pytest
from playwright.sync_api import expect

from poll.database.column_types import utcnow
from poll.database.models import COMMENT_APPROVED, MODERATION_POST, Comment
from poll.debate.comments import post_comment
from poll.extensions import db
from poll.polls.debate_poll import DEBATE_POLL
from poll.polls.finding import poll_by_slug

PHONE_390 = {"width": 390, "height": 844}
DESKTOP_1366 = {"width": 1366, "height": 900}
SIZES = [pytest.param(PHONE_390, id="phone"), pytest.param(DESKTOP_1366, id="desktop")]


def size_name(viewport) -> str:
    return "phone" if viewport is PHONE_390 else "desktop"


def published_comments(app, slug: str, count: int, parent_id: int | None = None) -> list[int]:
    with app.app_context():
        poll = poll_by_slug(slug)
        parent = db.session.get(Comment, parent_id) if parent_id else None
        ids = []
        for n in range(count):
            body = f"Comment {n}: " + "a reader's argument that takes a few lines on a phone. " * 3
            # Untagged (left for a worker that never runs here): the layout needs no tags, and tagging
            # 57 new comments with both encoders took 20 s.
            comment = post_comment(
                poll, f"{n:032d}", body, f"Reader {n}", "", utcnow(), parent, tag_now=False
            )
            comment.status = COMMENT_APPROVED
            ids.append(comment.id)
        db.session.commit()
        return ids


@pytest.mark.parametrize("viewport", SIZES)
def test_the_question_and_vote_are_on_the_first_screen(
    live_server, debate_poll, new_page, viewport, screenshots
):
    page = new_page(viewport, scripts=False)
    page.goto(f"{live_server}/polls/{debate_poll}")
    vote = page.get_by_role("button", name="Vote", exact=True)
    box = vote.bounding_box()
    assert box is not None and box["y"] + box["height"] <= viewport["height"], box
    assert page.get_by_role("group", name=DEBATE_POLL["question"]).is_visible()
    summary_text = page.get_by_text("12,000 North Korean soldiers", exact=False)
    expect(summary_text).to_be_hidden()  # folded
    screenshots(page, f"reader-poll-first-screen-{size_name(viewport)}")

    page.get_by_text("About this poll").click()  # <details> opens without JavaScript
    expect(summary_text).to_be_visible()

    page.get_by_role("radio", name="Diplomatic engagement").check()
    vote.click()
    page.wait_for_url("**#results")
    expect(page.locator(".result--mine")).to_contain_text("Diplomatic engagement")


@pytest.mark.parametrize("viewport", SIZES)
def test_the_card_and_the_poll_page_say_how_big_the_debate_is(
    app, live_server, debate_poll, new_page, viewport, screenshots
):
    published_comments(app, debate_poll, 57)
    page = new_page(viewport, scripts=False)
    page.goto(f"{live_server}/polls/{debate_poll}/embed")
    question = page.get_by_role("group", name=DEBATE_POLL["question"]).bounding_box()
    vote = page.get_by_role("button", name="Vote", exact=True).bounding_box()
    assert question["y"] < vote["y"] <= viewport["height"] - vote["height"]
    link = page.get_by_role("link", name="Join the debate: 57 comments (opens in a new tab)")
    expect(link).to_be_visible()
    screenshots(page, f"reader-card-{size_name(viewport)}")

    page.goto(f"{live_server}/polls/{debate_poll}")
    expect(page.get_by_role("heading", name="Join the debate: 57 comments")).to_be_visible()


@pytest.mark.parametrize("viewport", SIZES)
def test_the_join_link_reaches_the_form_past_forty_threads(
    app, live_server, make_poll, new_page, viewport, screenshots
):
    slug = make_poll(slug="long-debate", moderation_mode=MODERATION_POST)
    first = published_comments(app, slug, 40)[0]
    published_comments(app, slug, 3, parent_id=first)
    page = new_page(viewport, scripts=False)
    page.goto(f"{live_server}/polls/{slug}/debate")
    form_top = page.locator("#comment-form").bounding_box()["y"]
    assert form_top <= 2 * viewport["height"], form_top  # before the threads, not 8,000 px down
    assert form_top < page.locator("#threads").bounding_box()["y"]

    page.get_by_role("link", name="Join the debate").click()
    page.wait_for_url("**#join")
    heading = page.locator("#join-heading").bounding_box()  # relative to the scrolled viewport
    assert 0 <= heading["y"] < viewport["height"] / 4, heading
    # The jump moved the keyboard's starting point too: the next Tab is the comment's text.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Your comment")).to_be_focused()
    screenshots(page, f"reader-debate-join-{size_name(viewport)}")

    page.get_by_role("button", name="Post comment").click()  # empty: refused beside the field
    page.wait_for_url("**#comment-form")
    expect(page.locator("#comment-form .field-errors")).to_contain_text("Please write a comment")


@pytest.mark.parametrize("viewport", SIZES)
def test_a_reply_from_a_comments_page_comes_back_to_it(
    app, live_server, make_poll, new_page, viewport, screenshots
):
    slug = make_poll(slug="replies", moderation_mode=MODERATION_POST)
    parent = published_comments(app, slug, 1)[0]
    page = new_page(viewport, scripts=False)
    comment_page = f"{live_server}/polls/{slug}/comments/{parent}"
    page.goto(comment_page)
    page.locator("summary", has_text="Reply").click()
    page.get_by_label("Display name (optional)").last.fill("Replier")
    page.get_by_role("button", name="Post reply").click()  # nothing written: refused
    page.wait_for_url(f"{comment_page}/replies#reply-{parent}")
    expect(page.get_by_role("heading", name="A comment in the debate")).to_be_visible()
    expect(page.locator(f"#reply-{parent}")).to_contain_text("Please write a comment")
    expect(page.get_by_label("Display name (optional)").last).to_have_value("Replier")

    page.get_by_label("Your reply").fill("Posted from the comment's page.")
    page.get_by_role("button", name="Post reply").click()
    page.wait_for_url(f"{comment_page}#comment-*")
    expect(page.locator(".replies")).to_contain_text("Posted from the comment's page.")
    expect(page.locator(".flash--success")).to_contain_text("your reply is published")
    screenshots(page, f"reader-reply-on-comment-page-{size_name(viewport)}")

"""The plain <iframe> the dashboard gives CMSs that strip scripts, in an article on another site, with
JavaScript off: the card must fit the height the code states, before and after voting, at phone and desktop
widths (the frame cannot resize itself; poll.polls.frame_height works the height out from the poll)."""

import pytest
from playwright.sync_api import expect

from poll.admin.dashboard import embed_code
from poll.extensions import db
from poll.polls.debate_poll import DEBATE_POLL_SLUG, seed_debate_poll
from poll.polls.editing import create_poll
from poll.polls.finding import poll_by_slug
from tests.browser.cross_site import POLL_SITE, iframe_content_height, iframe_height, wait_for_iframe_loaded
from tests.conftest import create_tables, drop_tables, make_app
from tests.helpers import vote_rows

FRAME = "iframe[src*='/embed']"
ARTICLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>North Korea's missile launches</title></head>
<body style="font-family: Georgia, serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>North Korea's missile launches</h1>
<p>The article's last paragraph asks readers what they think.</p>
{snippet}
<p>More from the newsroom.</p>
<noscript><p id="scripts-off">Scripts are off in this browser.</p></noscript>
</body></html>"""

# A poll whose texts wrap a lot at phone widths: a long question, and long labels on many choices.
WORDY_SLUG = "wordy-poll"
WORDY_QUESTION = (
    "Should the council spend the whole of next year's transport budget on protected cycle lanes, even if "
    "that means fewer bus routes in the outer districts and no new parking in the town centre?"
)
WORDY_CHOICES = [
    ("yes", "Yes, all of it: safe cycling is the cheapest transport a town can buy"),
    ("most", "Most of it, keeping the bus routes that people without a car depend on"),
    ("half", "About half, with the other half on buses and on repairing the roads"),
    ("little", "Only a little, for the most dangerous junctions first"),
    ("none", "None of it"),
    ("unsure", "I have not made up my mind yet"),
]


@pytest.fixture
def poll_site(database_url, https_server):
    """The app over HTTPS (HTTPS=1: the frame's cookies partitioned) on poll.test, with the seeded poll and a
    wordy one; yields (app, base URL)."""
    app = make_app(database_url, environ={"HTTPS": "1"}, WTF_CSRF_ENABLED=True)
    create_tables(app)
    with app.app_context():
        seed_debate_poll()
        create_poll(WORDY_SLUG, "Cycle lanes", WORDY_QUESTION, WORDY_CHOICES)
        db.session.commit()
    yield app, f"https://{POLL_SITE}:{https_server(app)}"
    drop_tables(app)


def article_with_plain_frame(app, poll_url: str, slug: str, article_server) -> str:
    """A newspaper page holding exactly the plain frame code the poll's dashboard shows, allowed to frame it."""
    with app.test_request_context(base_url=poll_url):
        poll = poll_by_slug(slug)
        snippet = embed_code(poll)["iframe"]
    article = article_server(ARTICLE.format(snippet=snippet))
    with app.app_context():
        poll = poll_by_slug(slug)
        poll.embed_origins = article.split("/article")[0]
        db.session.commit()
    return article


def stated_height(page) -> int:
    return int(page.locator(FRAME).get_attribute("height"))


def assert_card_fits(page, *inside: str) -> None:
    """The card's document is no taller than the frame, the frame is the height its code states, and each
    element named in ``inside`` (selectors in the card) lies within the frame's box, once the card is styled."""
    wait_for_iframe_loaded(page, FRAME)
    height = stated_height(page)
    assert iframe_height(page, FRAME) == height
    assert iframe_content_height(page, FRAME) <= height
    frame_box = page.locator(FRAME).bounding_box()
    card = page.frame_locator(FRAME)
    for selector in inside:
        box = card.locator(selector).last.bounding_box()
        assert box is not None, f"{selector} is not shown"
        assert (
            frame_box["y"] <= box["y"] and box["y"] + box["height"] <= frame_box["y"] + frame_box["height"]
        ), f"{selector} is cut off: {box} outside {frame_box}"


def whole_page_screenshot(page, screenshots, name: str) -> None:
    """A screenshot with the viewport as tall as the article: Chromium paints only the visible part of a frame
    from another site, so a full-page shot of a scrolled page shows the frame's top blank."""
    size = page.viewport_size
    tall = page.locator("html").evaluate("(root) => root.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], tall)})
    screenshots(page, name)
    page.set_viewport_size(size)


@pytest.mark.parametrize(
    "slug, viewport",
    [
        (DEBATE_POLL_SLUG, {"width": 320, "height": 640}),
        (DEBATE_POLL_SLUG, {"width": 390, "height": 844}),
        (DEBATE_POLL_SLUG, {"width": 1280, "height": 900}),
        (WORDY_SLUG, {"width": 320, "height": 640}),
        (WORDY_SLUG, {"width": 1280, "height": 900}),
    ],
    ids=["seeded-320", "seeded-390", "seeded-1280", "wordy-320", "wordy-1280"],
)
def test_the_plain_frame_fits_the_card_before_and_after_voting_without_javascript(
    poll_site, article_server, launch_cross_site_context, screenshots, slug, viewport
):
    app, poll_url = poll_site
    article = article_with_plain_frame(app, poll_url, slug, article_server)
    context = launch_cross_site_context(java_script_enabled=False, viewport=viewport)
    page = context.new_page()
    page.goto(article)
    expect(page.locator("#scripts-off")).to_be_visible()  # a <noscript> shows: nothing resizes the frame
    card = page.frame_locator(FRAME)
    expect(card.get_by_role("button", name="Vote")).to_be_visible()
    assert_card_fits(page, ".choice", "button[type=submit]", ".embed-links a")
    whole_page_screenshot(page, screenshots, f"plain-frame-{slug}-{viewport['width']}-before-vote")

    last_choice = card.locator(".choice").last
    last_choice.click()
    card.get_by_role("button", name="Vote").click()
    expect(card.locator(".flash")).to_contain_text("your vote is counted")
    expect(card.locator(".result--mine")).to_contain_text("Your vote")
    assert page.url == article, "voting must not leave the article"
    assert len(vote_rows(app, slug)) == 1
    assert_card_fits(
        page, ".result--mine .badge", ".result", ".results__total", ".change-vote summary", ".embed-links a"
    )
    whole_page_screenshot(page, screenshots, f"plain-frame-{slug}-{viewport['width']}-after-vote")

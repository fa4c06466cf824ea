"""The poll inside a newspaper's article, across sites, in a Chromium that blocks
third-party cookies: news.test frames the card from poll.test over HTTPS with
the loader script (tests/browser/cross_site.py builds the sites and the browser)."""

import pytest
from playwright.sync_api import expect

from poll.database.models import Poll
from poll.extensions import db
from poll.polls.debate_poll import DEBATE_POLL_SLUG, seed_debate_poll
from tests.browser.conftest import PHONE
from tests.browser.cross_site import POLL_SITE, wait_for_iframe_to_fit
from tests.conftest import create_tables, drop_tables, make_app
from tests.helpers import counted_from_votes, vote_rows

FRAME = "iframe[src*='/embed']"
ARTICLE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>North Korea's missile launches</title></head>
<body style="font-family: Georgia, serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>North Korea's missile launches</h1>
<p>The article's last paragraph asks readers what they think.</p>
<script async src="{poll}/static/js/embed.js" data-poll="{slug}"></script>
<p>More from the newsroom.</p>
</body></html>"""


@pytest.fixture
def poll_site(database_url, https_server):
    """The app over HTTPS (HTTPS=1: cookies Secure, the frame's partitioned) on poll.test,
    with the seeded poll; yields (app, base URL)."""
    app = make_app(database_url, environ={"HTTPS": "1"}, WTF_CSRF_ENABLED=True, LIVE_RESULTS_INTERVAL_MS=500)
    create_tables(app)
    with app.app_context():
        seed_debate_poll()
        db.session.commit()
    port = https_server(app)
    yield app, f"https://{POLL_SITE}:{port}"
    drop_tables(app)


SLUG = DEBATE_POLL_SLUG


def allow_sites(app, *origins: str) -> None:
    with app.app_context():
        db.session.execute(db.select(Poll).filter_by(slug=SLUG)).scalar_one().embed_origins = "\n".join(
            origins
        )
        db.session.commit()


def origin_of(url: str) -> str:
    return url.split("/article")[0]


def article_with_poll(article_server, poll_url: str) -> str:
    return article_server(ARTICLE.format(poll=poll_url, slug=SLUG))


def card(page):
    return page.frame_locator(FRAME)


def test_readers_vote_inside_the_article_with_third_party_cookies_blocked(
    poll_site, article_server, cross_site_context, launch_cross_site_context, screenshots
):
    app, poll_url = poll_site
    article = article_with_poll(article_server, poll_url)
    allow_sites(app, origin_of(article))

    page = cross_site_context.new_page()
    page.goto(article)
    frame = card(page)
    expect(frame.get_by_role("button", name="Vote")).to_be_visible()
    # The loader sized the frame to its content (the hello/height messages crossed sites).
    wait_for_iframe_to_fit(page, FRAME)
    screenshots(page, "embed-cross-site-before-vote")

    frame.get_by_role("radio", name="Diplomatic engagement").check()
    frame.get_by_role("button", name="Vote").click()
    expect(frame.locator(".flash")).to_contain_text("your vote is counted")
    expect(frame.locator(".result--mine")).to_contain_text("Diplomatic engagement")
    wait_for_iframe_to_fit(page, FRAME)
    assert page.url == article, "voting must not leave the article"
    screenshots(page, "embed-cross-site-after-vote")

    # The frame's cookies are partitioned under the newspaper's site.
    frame_cookies = {c["name"]: c for c in cross_site_context.cookies() if c["domain"] == POLL_SITE}
    assert {"frame_session", "frame_voter"} <= set(frame_cookies)
    assert frame_cookies["frame_voter"]["sameSite"] == "None" and frame_cookies["frame_voter"]["secure"]
    assert "partitionKey" in frame_cookies["frame_voter"], frame_cookies["frame_voter"]

    frame.get_by_text("Change your vote").click()
    frame.get_by_role("radio", name="A stronger military response").check()
    frame.get_by_role("button", name="Change my vote").click()
    expect(frame.locator(".flash")).to_contain_text("Your vote has been changed")

    page.reload()
    expect(card(page).locator(".result--mine")).to_contain_text("A stronger military response")
    expect(card(page).locator(".results__total")).to_have_text("1 vote in total")
    assert len(vote_rows(app, SLUG)) == 1

    # Another browser counts on its own, and the first sees it arrive without reloading.
    other = launch_cross_site_context(block_third_party_cookies=True, viewport=PHONE).new_page()
    other.goto(article)
    card(other).get_by_role("radio", name="Diplomatic engagement").check()
    card(other).get_by_role("button", name="Vote").click()
    expect(card(other).locator(".results__total")).to_have_text("2 votes in total")
    screenshots(other, "embed-cross-site-phone")
    expect(card(page).locator(".results__total")).to_have_text("2 votes in total", timeout=5000)
    assert counted_from_votes(app, SLUG) == {"military": 1, "diplomacy": 1, "undecided": 0}


def test_a_site_not_on_the_polls_list_cannot_frame_it(poll_site, article_server, cross_site_context):
    app, poll_url = poll_site
    allowed = article_with_poll(article_server, poll_url)
    elsewhere = article_with_poll(article_server, poll_url)
    allow_sites(app, origin_of(allowed))

    policy = app.test_client().get(f"/polls/{SLUG}/embed", base_url=f"https://{POLL_SITE}")
    policy = policy.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {origin_of(allowed)};" in policy + ";"
    assert origin_of(elsewhere) not in policy

    page = cross_site_context.new_page()
    with page.expect_console_message(lambda message: "frame-ancestors" in message.text) as refusal:
        page.goto(elsewhere)
    assert "violates" in refusal.value.text and "blocked" in refusal.value.text
    # Nothing of ours rendered inside the refused frame.
    expect(card(page).get_by_role("button", name="Vote")).to_have_count(0)
    assert vote_rows(app, SLUG) == []


def test_where_the_frame_cannot_keep_cookies_voting_opens_the_full_poll_with_the_choice(
    database_url, https_server, article_server, cross_site_context
):
    """Served without HTTPS=1 the frame's cookies are SameSite=Lax, which no browser keeps in a frame on
    another site: the card's script finds that out and votes on the full poll in a new tab instead."""
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    create_tables(app)
    try:
        with app.app_context():
            seed_debate_poll()
            db.session.commit()
        poll_url = f"https://{POLL_SITE}:{https_server(app)}"
        article = article_with_poll(article_server, poll_url)
        allow_sites(app, origin_of(article))
        page = cross_site_context.new_page()
        page.goto(article)
        frame = card(page)
        expect(frame.locator(".vote-form .hint")).to_contain_text("opens the poll in a new tab")
        frame.get_by_role("radio", name="Diplomatic engagement").check()
        with cross_site_context.expect_page() as opened:
            frame.get_by_role("button", name="Vote").click()
        full = opened.value
        full.wait_for_load_state()
        assert full.url.startswith(f"{poll_url}/polls/{SLUG}?") and "choice=diplomacy" in full.url
        expect(full.get_by_role("radio", name="Diplomatic engagement")).to_be_checked()
        full.get_by_role("button", name="Vote").click()
        expect(full.locator(".results__confirmation")).to_contain_text("your vote is counted")
        assert counted_from_votes(app, SLUG)["diplomacy"] == 1
        assert page.url == article
    finally:
        drop_tables(app)

"""Live results and the embed card, in a real browser on one site (the
cross-site embed is tests/browser/test_embed_in_browser.py)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.helpers import counted_from_votes

NARROWEST = {"width": 280, "height": 640}


@pytest.fixture
def app_config():
    # Short enough that "within 5 s" has a wide margin on a loaded machine.
    return {"WTF_CSRF_ENABLED": True, "LIVE_RESULTS_INTERVAL_MS": 500}


def vote(page, label: str) -> None:
    page.get_by_role("radio", name=label).check()
    page.get_by_role("button", name="Vote").click()
    page.wait_for_load_state()


def test_a_reader_sees_another_readers_vote_without_reloading(app, live_server, debate_poll, new_page):
    reader_b = new_page()
    reader_b.goto(f"{live_server}/polls/{debate_poll}")
    vote(reader_b, "Diplomatic engagement")
    expect(reader_b.locator(".results__total")).to_have_text("1 vote in total")
    loads = []
    reader_b.on("load", lambda _: loads.append(1))

    reader_a = new_page(PHONE)
    reader_a.goto(f"{live_server}/polls/{debate_poll}")
    vote(reader_a, "A stronger military response")

    expect(reader_b.locator(".results__total")).to_have_text("2 votes in total", timeout=5000)
    military = reader_b.locator('[data-choice="military"]')
    expect(military.locator(".result__percent")).to_have_text("50%")
    expect(military.locator(".result__fill")).to_have_attribute("width", "50")
    assert loads == [], "the page reloaded"
    assert counted_from_votes(app, debate_poll) == {"military": 1, "diplomacy": 1, "undecided": 0}


def test_unchanged_results_are_answered_304(live_server, debate_poll, new_page):
    page = new_page()
    page.goto(f"{live_server}/polls/{debate_poll}")
    vote(page, "Undecided")
    with page.expect_response(lambda response: "results.json" in response.url and response.status == 304):
        pass


@pytest.mark.parametrize("viewport", [NARROWEST, PHONE, DESKTOP], ids=["280px", "phone", "desktop"])
def test_the_card_reads_at_every_width(live_server, debate_poll, new_page, screenshots, viewport):
    page = new_page(viewport)
    page.goto(f"{live_server}/polls/{debate_poll}/embed")
    screenshots(page, f"embed-{viewport['width']}-before-vote")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    vote(page, "Diplomatic engagement")
    expect(page.locator(".flash")).to_contain_text("your vote is counted")
    expect(page.locator(".result--mine")).to_contain_text("Your vote")
    expect(page.locator(".results__note")).to_have_text("Readers' poll: not a scientific survey.")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshots(page, f"embed-{viewport['width']}-after-vote")
    page.get_by_text("Change your vote").click()
    page.get_by_role("radio", name="Undecided").check()
    page.get_by_role("button", name="Change my vote").click()
    expect(page.locator(".flash")).to_contain_text("Your vote has been changed")
    expect(page.locator(".result--mine")).to_contain_text("Undecided")

"""The poll page's share box in Chromium: a full-width address and no dead button without JavaScript;
with it, the browser's share sheet where there is one, else a copy that says so."""

import pytest
from playwright.sync_api import expect

READER_PHONE = {"width": 390, "height": 844}
READER_DESKTOP = {"width": 1366, "height": 900}
SIZES = pytest.mark.parametrize("viewport", [READER_PHONE, READER_DESKTOP], ids=["phone", "desktop"])

# Records what the page asked the share sheet for, and shares without one (headless Chromium has none).
STUB_SHARE = "navigator.share = (data) => { window.sharedWith = data; return Promise.resolve(); };"


@pytest.fixture
def poll_url(live_server, debate_poll):
    return f"{live_server}/polls/{debate_poll}"


@pytest.fixture
def open_poll(browser, poll_url):
    """``open_poll(viewport, **context_options) -> page`` showing the seeded poll, in a context of its own."""
    contexts = []

    def open_page(viewport, init_script=None, **options):
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.goto(poll_url)
        return page

    yield open_page
    for context in contexts:
        context.close()


def share_box(page):
    return page.locator(".share")


@SIZES
def test_without_javascript_the_address_takes_the_row_and_no_button_shows(
    open_poll, poll_url, viewport, screenshots
):
    page = open_poll(viewport, java_script_enabled=False)
    field = page.get_by_label("Address of this poll")
    expect(field).to_have_value(poll_url)
    expect(share_box(page).get_by_role("button")).to_have_count(0)  # hidden is out of the accessibility tree
    assert (
        share_box(page).locator("button").evaluate("(button) => getComputedStyle(button).display") == "none"
    )
    row = page.locator(".share__row").bounding_box()
    assert field.bounding_box()["width"] >= 0.9 * row["width"]
    share_box(page).scroll_into_view_if_needed()
    screenshots(page, f"share-no-js-{viewport['width']}")


@SIZES
def test_where_the_browser_can_share_the_button_opens_its_share_sheet_with_the_polls_address(
    open_poll, poll_url, viewport, screenshots
):
    page = open_poll(viewport, init_script=STUB_SHARE)
    button = share_box(page).get_by_role("button", name="Share…")
    expect(button).to_be_visible()
    field = page.get_by_label("Address of this poll")
    if viewport == READER_PHONE:  # the button goes below the address, which keeps the whole row
        assert button.bounding_box()["y"] >= field.bounding_box()["y"] + field.bounding_box()["height"]
        assert field.bounding_box()["width"] >= 0.9 * page.locator(".share__row").bounding_box()["width"]
    else:  # beside it
        assert abs(button.bounding_box()["y"] - field.bounding_box()["y"]) < field.bounding_box()["height"]
        assert field.bounding_box()["width"] > 3 * button.bounding_box()["width"]
    button.click()
    expect(page.locator("#share-status")).to_have_text("Shared.")
    shared = page.evaluate("window.sharedWith")
    assert shared["url"] == poll_url and "North Korea" in shared["title"]
    share_box(page).scroll_into_view_if_needed()
    screenshots(page, f"share-sheet-{viewport['width']}")


@SIZES
def test_where_the_browser_cannot_share_the_button_copies_the_address_and_says_so(
    open_poll, poll_url, viewport, screenshots
):
    page = open_poll(viewport, permissions=["clipboard-read", "clipboard-write"])
    assert page.evaluate("typeof navigator.share") == "undefined"
    button = share_box(page).get_by_role("button", name="Copy link")
    expect(button).to_be_visible()
    button.click()
    status = page.get_by_role("status").filter(has_text="copied")
    expect(status).to_have_text("Link copied: paste it wherever you like.")
    assert page.evaluate("navigator.clipboard.readText()") == poll_url
    share_box(page).scroll_into_view_if_needed()
    screenshots(page, f"share-copied-{viewport['width']}")

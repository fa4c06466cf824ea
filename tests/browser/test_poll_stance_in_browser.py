"""A poll's own stance model page in Chromium at a phone's and a laptop's size: what it says of a model
that is not yet sure of any stance, and of one that is."""

import pytest

from tests.admin.test_poll_stance import train_on_examples
from tests.browser.test_moderation_in_browser import log_in
from tests.browser.test_queue_keyboard_in_browser import LAPTOP_1366, PHONE_390


@pytest.mark.parametrize("viewport", [PHONE_390, LAPTOP_1366], ids=["390x844", "1366x900"])
def test_the_stance_page_says_when_the_polls_model_is_not_sure_of_anything(
    app, browser, live_server, accounts, make_poll, screenshots, viewport
):
    slug = make_poll(slug="car-free", choices=[("yes", "Yes, car-free"), ("no", "No, keep the cars")])
    train_on_examples(app, slug)
    page = browser.new_context(viewport=viewport).new_page()
    log_in(page, live_server, accounts["admin"])
    page.goto(f"{live_server}/admin/polls/{slug}/stance")
    said = page.locator("#model-sure")
    assert said.is_visible()
    assert said.inner_text().startswith("None of its stances counts as sure yet")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshots(page, f"poll-stance-never-sure-{viewport['width']}x{viewport['height']}")
    page.context.close()

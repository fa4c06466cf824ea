"""A poll's own language in Chromium: an Arabic poll's page and card are right to left, fit a phone and
pass axe-core with no ?lang= and an English browser; the card's links keep a ?lang= given."""

import pytest

from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import axe_source, violations  # noqa: F401 (a fixture)


@pytest.mark.parametrize("path", ["/polls/{slug}", "/polls/{slug}/embed"], ids=["page", "card"])
def test_an_arabic_poll_is_drawn_right_to_left_for_an_english_browser(
    live_server,
    make_poll,
    browser,
    axe_source,  # noqa: F811 (the fixture imported above)
    screenshots,
    path,
):
    slug = make_poll(slug="arabic-poll", title="العقوبات", question="هل تُشدَّد العقوبات؟", language="ar")
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    try:
        page = context.new_page()
        page.goto(live_server + path.format(slug=slug))
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        screenshots(page, f"poll-language-ar-{'card' if 'embed' in path else 'page'}")
        assert violations(page, axe_source) == []
    finally:
        context.close()


def test_the_cards_full_poll_link_keeps_lang(live_server, make_poll, new_page):
    slug = make_poll(slug="korean-poll", language="ko")
    page = new_page(PHONE)
    page.goto(f"{live_server}/polls/{slug}/embed?lang=en")
    assert page.evaluate("document.documentElement.lang") == "en"
    href = page.get_by_role("link", name="Full poll").get_attribute("href")
    assert href.endswith(f"/polls/{slug}?lang=en")
    page.goto(href)
    assert page.evaluate("document.documentElement.lang") == "en"

"""A long comment is never cut: without JavaScript the server sends it back whole beside its message;
with JavaScript a live counter under the field says how long it is and how much is over."""

import pytest
from playwright.sync_api import expect

from poll.database.models import MODERATION_POST, Comment
from poll.extensions import db
from tests.browser.test_accessibility import AXE, violations

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture
def axe():
    if not AXE.exists():
        pytest.skip("axe-core not installed: `make test` installs it with npm (apt-get install npm)")
    return AXE.read_text()


@pytest.fixture
def open_debate(make_poll):
    return make_poll(
        slug="article",
        moderation_mode=MODERATION_POST,
        question="A stronger military response, or diplomatic engagement?",
        choices=[("military", "A stronger military response"), ("diplomacy", "Diplomatic engagement")],
    )


def pasted_essay(length: int) -> str:
    """A comment that reads to its end, so that a cut would show."""
    sentence = "Sanctions need enforcement before talks can work. "
    text = (sentence * (length // len(sentence) + 1))[: length - len(" THE END.")]
    return text + " THE END."


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_without_javascript_a_2900_character_comment_comes_back_whole_with_its_message(
    app, browser, live_server, open_debate, axe, screenshots, screen
):
    name = "phone" if screen["width"] < 600 else "desktop"
    context = browser.new_context(viewport=screen, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/polls/{open_debate}/debate")
    field = page.get_by_label("Your comment")
    # Playwright's fill() ignores maxlength, so the attribute itself must be absent: a reader's paste obeys it.
    assert field.get_attribute("maxlength") is None
    assert field.get_attribute("data-limit") == "2000"
    assert page.locator(".char-count").count() == 0  # the counter is the script's; no dead text without it

    essay = pasted_essay(2900)
    field.fill(essay)
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**/comments#comment-form")
    message = page.locator("#body-errors")
    expect(message).to_contain_text(
        "Please keep your comment to 2,000 characters or fewer: it has 2,900, 900 too many."
    )
    assert page.get_by_label("Your comment").input_value() == essay  # every character, up to THE END.
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 0
    page.locator("#comment-form").scroll_into_view_if_needed()
    screenshots(page, f"long-comment-refused-no-js-{name}")
    assert violations_without_script(page, axe) == []
    context.close()


def violations_without_script(page, axe_source) -> list[str]:
    """axe needs JavaScript: check the same HTML in a page that runs it."""
    html, address = page.content(), page.url.split("#")[0]
    checker = page.context.browser.new_context(viewport=page.viewport_size).new_page()
    # Only the page itself is replayed; its stylesheets load from the server as before.
    checker.route(
        lambda url: url == address, lambda route: route.fulfill(body=html, content_type="text/html")
    )
    checker.route("**/static/js/**", lambda route: route.abort())  # as it was: no script ran
    checker.goto(address)
    try:
        return violations(checker, axe_source)
    finally:
        checker.context.close()


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_with_javascript_the_counter_follows_the_text_and_warns_past_the_limit(
    browser, live_server, open_debate, axe, screenshots, screen
):
    name = "phone" if screen["width"] < 600 else "desktop"
    context = browser.new_context(viewport=screen)
    page = context.new_page()
    page.goto(f"{live_server}/polls/{open_debate}/debate")
    field = page.get_by_label("Your comment")
    counter = page.locator("#body-count")
    expect(counter).to_have_text("0 / 2,000 characters")
    assert "body-count" in field.get_attribute("aria-describedby").split()

    field.fill(pasted_essay(1950))
    expect(counter).to_have_text("1,950 / 2,000 characters")
    expect(counter).not_to_have_class("char-count char-count--over")

    field.fill(pasted_essay(2900))
    expect(counter).to_have_text("2,900 / 2,000: 900 too many")
    expect(counter).to_have_class("char-count char-count--over")
    # Screen readers hear the change of state once, politely, not every keystroke.
    announcer = page.locator("#body-count + [aria-live=polite]")
    expect(announcer).to_have_text("2,900 / 2,000: 900 too many")
    assert field.input_value() == pasted_essay(2900)
    field.scroll_into_view_if_needed()
    screenshots(page, f"long-comment-counter-over-{name}")
    assert violations(page, axe) == []

    field.fill(pasted_essay(1200))
    expect(counter).to_have_text("1,200 / 2,000 characters")
    expect(announcer).to_have_text("Within the limit: 1,200 / 2,000 characters")
    context.close()

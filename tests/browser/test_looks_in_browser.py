"""A newsroom's look in Chromium: a dark serif look on the card and the poll page (computed styles,
axe-clean), "automatic" following the device, and the editor's preview following the typed accent."""

import pytest
from playwright.sync_api import expect

from poll.database.column_types import utcnow
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.look_css import FONT_STACKS
from poll.polls.looks import LookFields, save_look
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import AXE, PUBLIC_PAGES, busy_poll, violations  # noqa: F401 (fixture)
from tests.browser.test_plain_iframe_in_browser import (  # noqa: F401 (fixture)
    FRAME,
    WORDY_SLUG,
    article_with_plain_frame,
    assert_card_fits,
    poll_site,
)
from tests.browser.test_poll_editor_in_browser import log_in
from tests.conftest import tool_missing

SCREENS = {"phone": PHONE, "desktop": DESKTOP}
DARK_SERIF = LookFields(accent_dark="#ffb4a8", font="serif", radius=14, scheme="dark")

STYLE = """element => {
  const style = getComputedStyle(element);
  return {background: style.backgroundColor, color: style.color, font: style.fontFamily,
          radius: style.borderTopLeftRadius};
}"""


@pytest.fixture
def axe_source():
    if not AXE.exists():
        tool_missing("axe-core not installed: `make test` installs it with npm")
    return AXE.read_text()


def set_look(app, slug: str | None, look: LookFields) -> None:
    with app.app_context():
        save_look(poll_by_slug(slug) if slug else None, look, None, utcnow())
        db.session.commit()


def csp_reports(page) -> list[str]:
    """Console messages about the Content Security Policy, collected as the page runs."""
    messages: list[str] = []
    page.on(
        "console",
        lambda message: messages.append(message.text) if "Content Security" in message.text else None,
    )
    return messages


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
@pytest.mark.parametrize("path", ["/polls/{slug}/embed", "/polls/{slug}"], ids=["card", "page"])
def test_a_dark_serif_look_dresses_the_card_and_the_page(
    app, live_server, debate_poll, new_page, axe_source, screenshots, screen, path
):
    set_look(app, debate_poll, DARK_SERIF)
    page = new_page(viewport=screen)
    blocked = csp_reports(page)
    page.goto(live_server + path.format(slug=debate_poll))
    body = page.locator("body").evaluate(STYLE)
    assert body["background"] in ("rgb(21, 23, 26)", "rgb(29, 32, 36)")  # the dark paper, or the card's
    assert body["color"] == "rgb(232, 230, 225)"
    assert body["font"].startswith("Georgia")
    button = page.locator(".vote-form .button").first.evaluate(STYLE)
    assert button["background"] == "rgb(255, 180, 168)" and button["color"] == "rgb(17, 17, 17)"
    assert button["radius"] == "14px" and button["font"].startswith("Georgia")
    assert page.locator(".question").first.evaluate(STYLE)["font"].startswith("Georgia")
    name = "card" if "embed" in path else "page"
    screenshots(page, f"look-dark-serif-{name}-{'phone' if screen is PHONE else 'desktop'}")
    assert violations(page, axe_source) == []
    assert blocked == []


@pytest.mark.parametrize("scheme, paper", [("dark", "rgb(21, 23, 26)"), ("light", "rgb(253, 252, 249)")])
def test_automatic_follows_the_devices_colour_scheme(
    app, browser, live_server, debate_poll, axe_source, scheme, paper
):
    set_look(app, None, LookFields(scheme="auto"))
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/polls/{debate_poll}/debate")
        assert page.locator("body").evaluate(STYLE)["background"] == paper
        assert violations(page, axe_source) == []
    finally:
        context.close()


def test_with_no_look_the_page_keeps_its_built_in_look(live_server, debate_poll, new_page):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server}/polls/{debate_poll}")
    assert page.locator("body").evaluate(STYLE)["background"] == "rgb(253, 252, 249)"
    button = page.locator(".vote-form .button").first.evaluate(STYLE)
    assert (button["background"], button["color"], button["radius"]) == (
        "rgb(11, 92, 173)",
        "rgb(255, 255, 255)",
        "6px",
    )


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_the_preview_follows_the_accent_as_it_is_typed(
    app, live_server, accounts, debate_poll, new_page, axe_source, screenshots, screen
):
    page = new_page(viewport=screen)
    blocked = csp_reports(page)
    log_in(page, live_server)
    page.goto(f"{live_server}/admin/polls/{debate_poll}/look")
    button = page.locator(".look-preview__button")
    expect(button).to_have_css("background-color", "rgb(11, 92, 173)")
    page.get_by_label("Accent colour on light pages").press_sequentially("#7a1f1f", delay=30)
    expect(button).to_have_css("background-color", "rgb(122, 31, 31)")
    page.get_by_label("Corner radius, in pixels").fill("0")
    expect(button).to_have_css("border-top-left-radius", "0px")
    page.get_by_label("Font").select_option("serif")
    page.get_by_label("Light or dark").select_option("dark")
    preview = page.locator(".look-preview")
    expect(preview).to_have_css("background-color", "rgb(21, 23, 26)")
    expect(button).to_have_css("background-color", "rgb(140, 184, 240)")  # dark pages' built-in accent
    expect(page.locator(".look-preview .question")).to_have_css(
        "font-family", 'Georgia, "Times New Roman", "DejaVu Serif", serif'
    )
    assert len(page.locator("link[href*='preview.css']").all()) == 1
    screenshots(page, f"look-editor-preview-{'phone' if screen is PHONE else 'desktop'}")
    assert violations(page, axe_source) == []
    # Nothing was saved by typing; Save stores it.
    assert page.evaluate("document.querySelectorAll('.flash--success').length") == 0
    page.get_by_role("button", name="Save look").click()
    expect(page.locator(".flash--success")).to_contain_text("The poll's look is saved.")
    assert blocked == []


def test_a_refused_accent_is_kept_beside_its_field_without_javascript(live_server, accounts, new_page):
    page = new_page(viewport=PHONE, scripts=False)
    log_in(page, live_server)
    page.goto(f"{live_server}/admin/look")
    page.get_by_label("Accent colour on light pages").fill("#ffcc00")
    page.get_by_role("button", name="Save look").click()
    expect(page.locator("#accent-errors")).to_contain_text("link text on the page")
    expect(page.get_by_label("Accent colour on light pages")).to_have_value("#ffcc00")
    # Without JavaScript the preview shows what was typed once the form comes back.
    expect(page.locator(".look-preview__button")).to_have_css("background-color", "rgb(255, 204, 0)")


@pytest.mark.usefixtures("busy_poll")  # comments of every state in the debate poll
@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_every_public_page_in_the_dark_look_has_no_violations(
    app, browser, live_server, debate_poll, axe_source, screenshots, screen
):
    """The dark palette on every reader's page: the debate's comments, tags and counts, a comment's page,
    the author's own comments, results after voting, the card after voting, the 404 page."""
    set_look(app, None, DARK_SERIF)
    context = browser.new_context(viewport=screen, bypass_csp=True)
    page = context.new_page()
    found = {}
    for path in PUBLIC_PAGES:
        page.goto(live_server + path.format(slug=debate_poll))
        found[path] = violations(page, axe_source)
    page.goto(f"{live_server}/polls/{debate_poll}")
    page.get_by_role("radio", name="Diplomatic engagement").check()
    page.get_by_role("button", name="Vote").click()
    page.wait_for_url("**#results")
    found["after voting"] = violations(page, axe_source)
    page.goto(f"{live_server}/polls/{debate_poll}/debate")
    page.get_by_label("Your comment").fill("Talks first, always: sanctions have not worked.")
    page.locator("form.comment-form button[type=submit], .join form button[type=submit]").first.click()
    page.wait_for_load_state()
    found["debate, own comment waiting"] = violations(page, axe_source)
    assert page.locator("body").evaluate(STYLE)["background"] == "rgb(21, 23, 26)"
    screenshots(page, f"look-dark-debate-{'phone' if screen is PHONE else 'desktop'}")
    page.goto(f"{live_server}/polls/{debate_poll}/embed")
    found["card after voting"] = violations(page, axe_source)
    context.close()
    assert {path: items for path, items in found.items() if items} == {}, found


@pytest.mark.parametrize("font", ["serif", "sans", "system"])
def test_the_plain_frame_still_fits_the_card_in_each_font(
    poll_site,  # noqa: F811 (the fixture imported above)
    article_server,
    launch_cross_site_context,
    font,
):
    """The plain <iframe>'s height (poll.polls.frame_height) is worked out for the built-in fonts: each look's
    font, with the roundest corners, must fit it too, at the narrowest phone."""
    app, poll_url = poll_site
    set_look(app, None, LookFields(font=font, radius=24))
    article = article_with_plain_frame(app, poll_url, WORDY_SLUG, article_server)
    context = launch_cross_site_context(java_script_enabled=False, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(article)
    card = page.frame_locator(FRAME)
    expect(card.get_by_role("button", name="Vote")).to_be_visible()
    assert (
        card.locator(".question").evaluate("element => getComputedStyle(element).fontFamily")
        == FONT_STACKS[font]
    )
    assert_card_fits(page, ".choice", "button[type=submit]", ".embed-links a")

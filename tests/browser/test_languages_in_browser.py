"""Arabic is read right to left: the page mirrors (dir="rtl", logical CSS), at phone and desktop sizes."""

import pytest

from tests.browser.conftest import DESKTOP

PHONE_390 = {"width": 390, "height": 844}


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("viewport", [PHONE_390, DESKTOP], ids=["phone", "desktop"])
def test_the_arabic_poll_page_is_laid_out_right_to_left(
    new_page, live_server, debate_poll, screenshots, viewport
):
    page = new_page(viewport=viewport)
    page.goto(f"{live_server}/polls/{debate_poll}?lang=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('.vote-card')).direction") == "rtl"
    card, button = box(page, ".vote-card"), box(page, ".vote-form button[type=submit]")
    # The vote button starts at the card's right edge (inside its padding); on a phone it fills the card.
    card_right, button_right = card["x"] + card["width"], button["x"] + button["width"]
    assert card_right - button_right < 40 and card_right - button_right <= button["x"] - card["x"], (
        card,
        button,
    )
    if button["width"] < card["width"] / 2:
        assert button["x"] - card["x"] > card["width"] / 2, (card, button)
    # A choice's radio button sits to the right of its label.
    assert box(page, ".choice__input")["x"] > box(page, ".choice__label")["x"]
    assert (
        page.evaluate("getComputedStyle(document.querySelector('h1')).direction") == "ltr"
    )  # the poll's title
    # The scripts' words too (templates/base.html's page-words).
    assert page.locator(".char-count").first.inner_text() == "0 / 2,000 حرفًا"
    assert page.locator(".share__button").inner_text() in ("مشاركة…", "نسخ الرابط")
    screenshots(page, f"poll-ar-{viewport['width']}")

    page.get_by_role("radio", name="Diplomatic engagement").check()
    page.locator(".vote-form button[type=submit]").click()
    page.wait_for_url("**#results")
    assert "صوت واحد في المجموع" in page.locator(".results__total").inner_text()
    # The figures are at the row's end, which is on the left.
    row = box(page, ".result")
    assert box(page, ".result__figures")["x"] - row["x"] < row["width"] / 2
    screenshots(page, f"poll-ar-voted-{viewport['width']}")


def test_the_arabic_debate_and_card_mirror_too(new_page, live_server, debate_poll, screenshots):
    page = new_page(viewport=PHONE_390)
    page.goto(f"{live_server}/polls/{debate_poll}/debate?lang=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    # The poll's own words keep their direction (dir=auto): an English question reads left to right.
    assert (
        page.locator(".question--quoted").evaluate("element => getComputedStyle(element).direction") == "ltr"
    )
    tabs = page.locator(".tabs__tab")
    assert (
        tabs.nth(0).bounding_box()["x"] > tabs.nth(1).bounding_box()["x"]
    )  # "All sides" first, on the right
    assert page.locator(".kicker a").inner_text().startswith("\u2192")  # "back" points right
    screenshots(page, "debate-ar-390")
    page.goto(f"{live_server}/polls/{debate_poll}/embed?lang=ar")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert "lang=ar" in page.get_by_role("link", name="الاستطلاع كاملًا").get_attribute("href")
    screenshots(page, "embed-ar-390")


# Each distinct character of the element's text drawn alone, in the element's own font, as pixels. A
# font that lacks the script draws every character as the same empty box ("tofu").
DRAW_EACH_CHARACTER = """(element) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 64;
    const context = canvas.getContext("2d");
    context.font = getComputedStyle(element).font;
    const characters = [...new Set(element.textContent.replace(/[\\s\\p{P}\\p{N}\\p{Script=Latin}]/gu, ""))];
    return characters.map((character) => {
        context.clearRect(0, 0, 64, 64);
        context.fillText(character, 4, 48);
        return context.getImageData(0, 0, 64, 64).data.join(",");
    });
}"""


@pytest.mark.parametrize("language", ["ko", "ja", "zh_Hans"])
def test_korean_japanese_and_chinese_words_are_drawn_as_letters_not_boxes(
    new_page, live_server, debate_poll, screenshots, language
):
    """The test browser has fonts for the scripts the site is translated into (`make test-tools` installs
    Debian's fonts-noto-cjk): without them every character is the same box, and a screenshot of the page
    in these languages, or of a comment written in them, shows nothing a person can check."""
    page = new_page(viewport=PHONE_390)
    page.goto(f"{live_server}/polls/{debate_poll}?lang={language}")
    button = page.locator(".vote-form button[type=submit]")
    drawn = button.evaluate(DRAW_EACH_CHARACTER)
    assert len(drawn) >= 2, button.inner_text()
    assert len(set(drawn)) == len(drawn), f"{button.inner_text()!r} is drawn as boxes: no font for it"
    screenshots(page, f"poll-{language}-390")

"""#29 items 10 and 11 in Chromium at a phone's and a laptop's size: the queue's tags
as moderators read them, and the author's record beside the mute form."""

import pytest

from poll.database.column_types import utcnow
from poll.database.models import Comment, Moderator
from poll.debate.mutes import lift, mute
from poll.extensions import db
from poll.tagging import version_with
from poll.vocabulary import CIVIL_FLAGGED_BY_LANGUAGE, NEVER_SURE
from tests.browser.test_moderation_in_browser import log_in
from tests.browser.test_queue_keyboard_in_browser import LAPTOP_1366, PHONE_390

SIZES = pytest.mark.parametrize("viewport", [PHONE_390, LAPTOP_1366], ids=["390x844", "1366x900"])


def size(viewport) -> str:
    return f"{viewport['width']}x{viewport['height']}"


@SIZES
def test_queue_tags_lead_with_incivility_and_show_tone_as_secondary(
    app, browser, live_server, accounts, make_comment, screenshots, viewport
):
    rude = make_comment("Talk to them, you spineless idiots.")
    with app.app_context():
        row = db.session.get(Comment, rude)
        row.stance, row.stance_confidence = "diplomacy", 0.9
        row.stance_cues = ["bomb \u2192 military", "talk \u2192 diplomacy"]
        row.incivility, row.uncivil, row.sentiment, row.compound = 0.93, True, "positive", 0.4939
        db.session.commit()
    page = browser.new_context(viewport=viewport).new_page()
    log_in(page, live_server, "mo")
    tags = page.locator(f"#queue-{rude} .tags")
    incivility, tone = tags.locator(".tags__incivility .tag"), tags.locator(".tags__tone")
    assert incivility.inner_text() == "uncivil: 0.93"
    assert " ".join(tone.inner_text().split()) == "tone (VADER): positive +0.49"
    assert "bomb" not in tags.inner_text() and "talk \u2192 diplomacy" in tags.inner_text()
    # Secondary: smaller, lighter and not bold beside the incivility badge.
    style = "e => { const s = getComputedStyle(e); return [parseFloat(s.fontSize), s.fontWeight]; }"
    badge_size, badge_weight = incivility.evaluate(style)
    tone_size, tone_weight = tone.locator("dd").evaluate(style)
    assert tone_size < badge_size and int(tone_weight) < int(badge_weight)
    screenshots(page, f"queue-tags-{size(viewport)}")
    page.context.close()


@SIZES
def test_another_languages_incivility_warns_the_moderator_and_fits_the_card(
    app, browser, live_server, accounts, make_comment, screenshots, viewport
):
    """The other languages' head flags about a quarter of Korean civil comments: the label says so, and the longer
    label wraps inside the card on a phone instead of widening the page."""
    korean = make_comment("이 정도면 정부가 제대로 대응해야 하는 거 아닌가요? 말로만 규탄하지 말고.")
    with app.app_context():
        row = db.session.get(Comment, korean)
        row.language, row.tagger_version = "ko", version_with(None, "ko")
        row.incivility, row.uncivil = 0.81, True
        db.session.commit()
    page = browser.new_context(viewport=viewport).new_page()
    log_in(page, live_server, "mo")
    label = page.locator(f"#queue-{korean} .tags__incivility")
    korean_share = f"{CIVIL_FLAGGED_BY_LANGUAGE['ko']:.0%}"  # the model card's figure (test_vocabulary)
    assert (
        f"about {korean_share} of civil comments score as high: read it before acting" in label.inner_text()
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    card, box = page.locator(f"#queue-{korean}").bounding_box(), label.bounding_box()
    assert card and box and box["x"] + box["width"] <= card["x"] + card["width"] + 1
    screenshots(page, f"queue-tags-korean-{size(viewport)}")
    page.context.close()


@SIZES
def test_a_stance_from_a_poll_head_not_yet_sure_says_so_and_fits_the_card(
    app, browser, live_server, accounts, make_comment, screenshots, viewport
):
    """A poll's own head fitted from too few rows is sure of nothing: the queue says that of its stance
    instead of a percentage that reads as a near-certainty, and the label wraps inside the card."""
    guess = make_comment("Close the whole centre to cars, starting with the market square.")
    with app.app_context():
        row = db.session.get(Comment, guess)
        row.stance, row.stance_confidence, row.stance_sure_from = "military", 0.97, NEVER_SURE
        db.session.commit()
    page = browser.new_context(viewport=viewport).new_page()
    log_in(page, live_server, "mo")
    stance = page.locator(f"#queue-{guess} .hint", has_text="not sure of any stance yet")
    assert stance.inner_text() == "uncertain: this poll's model is not sure of any stance yet"
    assert "97%" not in page.locator(f"#queue-{guess}").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    # The label beside the long hint keeps its whole word ("Stanc" at 390 px before the stylesheet said so).
    label = page.locator(f"#queue-{guess} .tags dt", has_text="Stance")
    assert label.evaluate("dt => dt.scrollWidth <= dt.clientWidth")
    card, box = page.locator(f"#queue-{guess}").bounding_box(), stance.bounding_box()
    assert card and box and box["x"] + box["width"] <= card["x"] + card["width"] + 1
    screenshots(page, f"queue-tags-never-sure-{size(viewport)}")
    page.context.close()


@SIZES
def test_the_mute_form_has_the_authors_record_beside_it(
    app, browser, live_server, accounts, make_comment, screenshots, viewport
):
    author = "a" * 32
    target = make_comment("You are all fools.", voter=author)
    earlier = make_comment("Idiots, the lot of you.", voter=author, status="rejected")
    with app.app_context():
        mo, now = db.session.execute(db.select(Moderator).filter_by(username="mo")).scalar_one(), utcnow()
        lift(mute(author, "Insults last week", now.replace(year=now.year + 1), mo, now).id, mo, now)
        db.session.commit()
    page = browser.new_context(viewport=viewport).new_page()
    log_in(page, live_server, "mo")
    page.goto(f"{live_server}/admin/comments/{target}/mute")
    record, form = page.locator(".author-record"), page.locator(".mute-form")
    assert "1 other comment: 1 rejected." in record.inner_text()
    assert "Insults last week" in record.inner_text() and "Lifted" in record.inner_text()
    record.get_by_role("link", name=f"#{earlier}").click()
    page.wait_for_url(f"**/admin/?comment={earlier}")
    assert "Idiots, the lot of you." in page.locator(".queue").inner_text()
    page.go_back()
    box, form_box = record.bounding_box(), form.bounding_box()
    if viewport is LAPTOP_1366:  # side by side
        assert form_box["x"] >= box["x"] + box["width"] and abs(form_box["y"] - box["y"]) < 80
    else:  # stacked, nothing wider than the screen
        assert form_box["y"] >= box["y"] + box["height"]
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshots(page, f"mute-page-{size(viewport)}")
    page.context.close()


@SIZES
def test_the_queue_with_its_keys_and_the_mute_page_pass_axe(
    app, browser, live_server, accounts, make_comment, viewport
):
    from tests.browser.test_accessibility import AXE, violations
    from tests.conftest import tool_missing

    if not AXE.exists():
        tool_missing("axe-core not installed: `make test` installs it with npm")
    target = make_comment("You are all fools.")
    make_comment("Another one by the same author.")
    page = browser.new_context(viewport=viewport, bypass_csp=True).new_page()
    log_in(page, live_server, "mo")
    found = {"queue": violations(page, AXE.read_text())}
    page.keyboard.press("2")  # a reason chosen and announced
    found["queue, reason chosen"] = violations(page, AXE.read_text())
    page.goto(f"{live_server}/admin/comments/{target}/mute")
    found["mute"] = violations(page, AXE.read_text())
    page.context.close()
    assert {name: items for name, items in found.items() if items} == {}

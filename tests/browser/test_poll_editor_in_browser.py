"""An admin writes a poll in a real browser: the address follows the title as it is typed, Preview shows
the poll without saving it, Save stores it; the editor and its preview stay axe-clean."""

import pytest
from playwright.sync_api import expect

from poll.database.models import Poll
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from tests.browser.test_accessibility import AXE, violations
from tests.conftest import PASSWORD

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "TIMEZONE": "Europe/London"}


@pytest.fixture
def axe():
    if not AXE.exists():
        pytest.skip("axe-core not installed: `make test` installs it with npm (apt-get install npm)")
    return AXE.read_text()


def log_in(page, live_server: str) -> None:
    page.goto(f"{live_server}/admin/login")
    page.get_by_label("Name").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_an_admin_previews_and_saves_a_new_poll(
    app,
    browser,
    live_server,
    accounts,
    debate_poll,
    axe,
    screenshots,
    screen,
):
    name = "phone" if screen["width"] < 600 else "desktop"
    context = browser.new_context(viewport=screen)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server}/admin/polls/new")
    assert page.get_by_label("Opens (Europe/London)").is_visible()

    page.get_by_label("Title").press_sequentially("Car-free centre: yes?")
    assert page.get_by_label("Address (slug)").input_value() == "car-free-centre-yes"
    page.get_by_label("Question").fill("Should the town centre be closed to cars?")
    page.get_by_label("Choices, one per line").fill("Yes: but slowly\nNo\nNot sure")
    page.get_by_label("Opens (Europe/London)").fill("2026-07-01T09:00")
    screenshots(page, f"poll-editor-new-{name}")

    page.get_by_role("button", name="Preview").click()
    page.wait_for_url("**/admin/polls/new#editor-preview")
    preview = page.locator("#editor-preview")
    assert preview.is_visible()
    assert "Car-free centre: yes?" in preview.locator(".editor-preview__title").inner_text()
    assert "yes-but-slowly" in preview.inner_text() and "/polls/car-free-centre-yes" in preview.inner_text()
    assert "1 July 2026, 09:00 BST (Europe/London; 08:00 UTC)" in preview.inner_text()
    assert page.get_by_label("Choices, one per line").input_value() == "Yes: but slowly\nNo\nNot sure"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Poll)) == 1
    page.get_by_label("Side of “Not sure”").select_option("neutral")
    screenshots(page, f"poll-editor-preview-{name}")
    assert violations(page, axe) == []

    preview.get_by_role("button", name="Save poll").click()
    page.wait_for_url("**/admin/polls")
    assert "Poll created at /polls/car-free-centre-yes." in page.locator(".flash").inner_text()
    with app.app_context():
        poll = poll_by_slug("car-free-centre-yes")
        assert [choice.key for choice in poll.choices] == ["yes-but-slowly", "no", "not-sure"]
        assert poll.choice_by_key("not-sure").side == "neutral"
        assert poll.opens_at.isoformat() == "2026-07-01T08:00:00+00:00"

    page.goto(f"{live_server}/admin/polls/car-free-centre-yes/edit")
    page.get_by_label("Title").fill("Car-free centre, in May?")
    assert page.get_by_label("Address (slug)").input_value() == "car-free-centre-yes", "an address stays put"
    page.get_by_label("Choices, one per line").fill("Yes, but slowly\nNo\nNot sure")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_url("**#editor-preview")
    assert "renamed from “Yes: but slowly”" in page.locator("#editor-preview").inner_text()
    screenshots(page, f"poll-editor-edit-preview-{name}")
    assert violations(page, axe) == []
    context.close()


def test_refused_input_keeps_the_text_and_is_axe_clean(
    browser,
    live_server,
    accounts,
    debate_poll,
    axe,
):
    context = browser.new_context(viewport=SCREENS["phone"])
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server}/admin/polls/new")
    page.get_by_label("Title").fill("Clocks")
    page.get_by_label("Question").fill("When?")
    page.get_by_label("Choices, one per line").fill("Early\nEarly")
    page.get_by_label("Opens (Europe/London)").fill("2026-03-29T01:30")
    page.get_by_role("button", name="Save poll").click()
    page.wait_for_load_state()
    assert "There is no 01:30 on 29 March 2026" in page.locator("#opens_at-errors").inner_text()
    assert "each choice needs its own label" in page.locator("#choices-errors").inner_text()
    assert page.get_by_label("Choices, one per line").input_value() == "Early\nEarly"
    assert violations(page, axe) == []
    context.close()


@pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())
def test_the_preview_says_a_not_sure_choice_counts_as_no_position_and_the_editors_choice_wins(
    app, browser, live_server, accounts, axe, screenshots, screen
):
    name = "phone" if screen["width"] < 600 else "desktop"
    context = browser.new_context(viewport=screen)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server}/admin/polls/new")
    page.get_by_label("Title").fill("Car-free centre?")
    page.get_by_label("Question").fill("Should the town centre be closed to cars?")
    page.get_by_label("Choices, one per line").fill("Yes\nNo\nNot sure")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_url("**/admin/polls/new#editor-preview")

    preview = page.locator("#editor-preview")
    expect(preview).to_contain_text("“Not sure” counts as no position (neutral)")
    expect(preview).to_contain_text("Neutral: votes for Not sure")
    expect(preview).not_to_contain_text("For: Not sure:")
    side = page.get_by_label("Side of “Not sure”")
    expect(side).to_have_value("neutral")
    expect(page.locator("#sides")).to_contain_text(
        "“Not sure” reads as no position, so it starts as neutral."
    )
    screenshots(page, f"poll-editor-no-position-preview-{name}")
    assert violations(page, axe) == []

    side.select_option("")  # "A side of its own": the editor's choice wins
    page.get_by_role("button", name="Preview").click()
    page.wait_for_url("**/admin/polls/new#editor-preview")
    expect(preview).to_contain_text("For: Not sure: votes for Not sure")
    expect(preview).not_to_contain_text("counts as no position")
    expect(page.get_by_label("Side of “Not sure”")).to_have_value("")
    preview.get_by_role("button", name="Save poll").click()
    page.wait_for_url("**/admin/polls")
    with app.app_context():
        assert poll_by_slug("car-free-centre").choice_by_key("not-sure").side is None
    context.close()

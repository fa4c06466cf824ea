"""Voting in a real browser."""

from tests.browser.conftest import PHONE
from tests.helpers import counted_from_votes, vote_rows


def result_row(page, label):
    return page.locator(".result", has_text=label)


def test_vote_see_results_change_vote_and_second_browser(
    app, live_server, debate_poll, new_page, screenshots
):
    page = new_page()
    page.goto(live_server + "/")
    screenshots(page, "poll-desktop-before-vote")
    assert page.get_by_role("group", name="stronger military response").is_visible()
    assert page.locator("#results").count() == 0

    page.get_by_role("radio", name="Diplomatic engagement").check()
    page.get_by_role("button", name="Vote").click()
    page.wait_for_url("**/polls/*#results")
    assert "your vote is counted" in page.locator(".results__confirmation").inner_text()
    mine = page.locator(".result--mine")
    assert "Diplomatic engagement" in mine.inner_text() and "your vote" in mine.inner_text().lower()
    assert "100%" in mine.inner_text()
    assert "1 vote in total" in page.locator(".results__total").inner_text()
    screenshots(page, "poll-desktop-after-vote")

    page.get_by_role("radio", name="A stronger military response").check()
    page.get_by_role("button", name="Change my vote").click()
    page.wait_for_load_state()
    assert "Your vote has been changed" in page.locator(".results__confirmation").inner_text()
    assert "A stronger military response" in page.locator(".result--mine").inner_text()
    assert "1 vote in total" in page.locator(".results__total").inner_text()

    second = new_page(viewport=PHONE)
    second.goto(f"{live_server}/polls/{debate_poll}")
    second.get_by_role("radio", name="Diplomatic engagement").check()
    second.get_by_role("button", name="Vote").click()
    second.wait_for_url("**#results")
    assert "2 votes in total" in second.locator(".results__total").inner_text()
    assert "Diplomatic engagement" in second.locator(".result--mine").inner_text()
    assert "50%" in result_row(second, "A stronger military response").inner_text()
    screenshots(second, "poll-phone-after-vote")

    assert sorted(key for _, key in vote_rows(app, debate_poll)) == ["diplomacy", "military"]
    assert counted_from_votes(app, debate_poll) == {"military": 1, "diplomacy": 1, "undecided": 0}


def test_vote_with_the_keyboard_alone(app, live_server, debate_poll, new_page):
    page = new_page(viewport=PHONE)
    page.goto(f"{live_server}/polls/{debate_poll}")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand link
    page.keyboard.press("Tab")  # first radio button
    assert page.evaluate("document.activeElement.value") == "military"
    page.keyboard.press("ArrowDown")  # moves and selects the next answer
    assert page.evaluate("document.activeElement.value") == "diplomacy"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**#results")
    assert [key for _, key in vote_rows(app, debate_poll)] == ["diplomacy"]


def test_submitting_without_an_answer_explains_what_to_do(app, live_server, debate_poll, new_page):
    page = new_page()
    page.goto(f"{live_server}/polls/{debate_poll}")
    page.get_by_role("button", name="Vote").click()
    page.wait_for_load_state()
    assert "Please choose one of the answers." in page.locator(".field-errors").inner_text()
    assert vote_rows(app, debate_poll) == []

"""A moderator at work in a real browser."""

from ..conftest import PASSWORD
from .conftest import DESKTOP, PHONE


def log_in(page, live_server: str, username: str) -> None:
    """Open the admin, get sent to the login page, log in, land on the queue."""
    page.goto(f"{live_server}/admin/")
    assert "/admin/login" in page.url
    page.get_by_label("Name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def test_moderator_logs_in_approves_and_the_comment_goes_public(
    browser, live_server, accounts, make_comment, debate_poll, screenshots
):
    make_comment("Keep the diplomatic channels open, please.")
    make_comment("No more talks, respond with force! http://example.com")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server, "mo")
    screenshots(page, "admin-queue-desktop")
    item = page.locator(".queue__item", has_text="Keep the diplomatic channels open")
    item.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert "1 comment approved." in page.locator(".flash").inner_text()

    public = browser.new_context(viewport=PHONE).new_page()
    public.goto(f"{live_server}/polls/{debate_poll}/debate")
    assert "Keep the diplomatic channels open" in public.locator(".debate__column--diplomacy").inner_text()
    assert "respond with force" not in public.content()
    public.context.close()
    context.close()


def test_keyboard_shortcut_approves_the_current_comment(
    browser, live_server, accounts, make_comment, debate_poll
):
    make_comment("First comment about talks.")
    make_comment("Second comment about talks.")
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server, "mo")
    assert page.locator(".shortcuts-hint").is_visible()
    page.keyboard.press("j")
    current = page.locator(".queue__item--current").inner_text()
    page.keyboard.press("a")
    page.wait_for_load_state()
    assert "1 comment approved." in page.locator(".flash").inner_text()
    approved = "Second comment" if "Second comment" in current else "First comment"
    public = context.new_page()
    public.goto(f"{live_server}/polls/{debate_poll}/debate")
    assert approved in public.content()
    context.close()


def test_admin_pages_on_a_phone(browser, live_server, accounts, make_comment, debate_poll, screenshots):
    make_comment("A comment to moderate on a small screen.")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server, "ada")
    screenshots(page, "admin-queue-phone")
    page.goto(f"{live_server}/admin/polls/{debate_poll}/dashboard")
    assert page.locator("h1").inner_text().startswith("North Korea")
    screenshots(page, "admin-dashboard-phone")
    context.close()


def test_log_out_everywhere_ends_the_session_in_the_other_browser(
    browser, live_server, accounts, debate_poll, screenshots
):
    laptop = browser.new_context(viewport=DESKTOP)
    phone = browser.new_context(viewport=PHONE)
    laptop_page, phone_page = laptop.new_page(), phone.new_page()
    log_in(laptop_page, live_server, "mo")
    log_in(phone_page, live_server, "mo")
    screenshots(phone_page, "admin-nav-phone")
    laptop_page.get_by_role("button", name="Log out everywhere").click()
    laptop_page.wait_for_url("**/admin/login")
    assert "logged out everywhere (2 sessions ended)" in laptop_page.locator(".flash").inner_text()
    phone_page.reload()
    assert "/admin/login" in phone_page.url
    laptop.close()
    phone.close()

"""An admin makes an API key in a real browser, on a phone and a desktop: shown once, then it calls the API."""

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import AXE, violations
from tests.browser.test_moderation_in_browser import log_in
from tests.conftest import tool_missing


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_admin_makes_a_key_sees_it_once_and_revokes_it(browser, live_server, accounts, make_poll, viewport):
    if not AXE.exists():
        tool_missing("axe-core not installed: `make test` installs it with npm")
    make_poll()
    context = browser.new_context(viewport=viewport, bypass_csp=True)  # for axe, added to the page
    page = context.new_page()
    log_in(page, live_server, "ada")
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Name").fill("Results board")
    page.get_by_label("Scope").select_option("read")
    page.get_by_role("button", name="Make the key").click()
    page.wait_for_load_state()
    key = page.locator("#new-key").inner_text().strip()
    assert re.fullmatch(r"dpk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}", key)
    # The key wraps within the screen rather than running off it.
    box = page.locator("#new-key").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert violations(page, AXE.read_text()) == []

    call = {"headers": {"Authorization": f"Bearer {key}"}}
    assert context.request.get(f"{live_server}/api/v1/polls", **call).status == 200

    page.reload()  # the page again (a GET): the key is no longer shown
    assert key not in page.content() and "Results board" in page.content()
    page.get_by_role("button", name="Revoke Results board").click()
    page.wait_for_load_state()
    assert "Revoked the key 'Results board'" in page.locator(".flash").inner_text()
    assert context.request.get(f"{live_server}/api/v1/polls", **call).status == 401
    context.close()

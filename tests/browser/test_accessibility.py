"""axe-core in Chromium on every public and admin page, at phone and desktop sizes."""

import json
from pathlib import Path

import pytest

from poll.database.column_types import utcnow
from poll.database.models import Comment
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import PASSWORD, tool_missing

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
PUBLIC_PAGES = [
    "/",
    "/polls/{slug}",
    "/polls/{slug}/debate",
    "/polls/{slug}/debate?side=diplomacy&sort=valued",
    "/polls/{slug}/comments/1",  # busy_poll's first comment, published
    "/polls/no-such-poll",
    "/polls/{slug}/embed",
]
ADMIN_PAGES = [
    "/admin/login",
    "/admin/",
    "/admin/polls",
    "/admin/polls/new",
    "/admin/polls/{slug}/edit",
    "/admin/polls/{slug}/dashboard",
    "/admin/audit",
    "/admin/export",
    "/admin/blocked-words",
    "/admin/moderators",
    "/admin/?status=any",
    "/admin/mutes",
    "/admin/rejection-reasons",
    "/admin/comments/2/mute",
]


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        tool_missing("axe-core not installed: `make test` installs it with npm")
    return AXE.read_text()


def violations(page, axe_source) -> list[str]:
    page.evaluate(axe_source)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{item['id']}: {item['help']} at {[node['target'] for node in item['nodes']][:3]}"
        for item in result["violations"]
    ]


@pytest.fixture
def busy_poll(app, debate_poll, make_comment, accounts):
    make_comment("Keep negotiating, please. See www.example.org", status="approved")
    make_comment("No more talks, respond with force!")
    appealed = make_comment("Rejected, then appealed by its author.")
    # A vote burst, so that the dashboard shows its table.
    app.config["VOTE_BURST_THRESHOLD"] = 2
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        for n, key in enumerate(("military", "military", "undecided")):
            cast_vote(poll, poll.choice_by_key(key), f"{n:032d}", utcnow(), "b" * 32)
        # The queue then shows an appeal's box (the earlier reason and the author's note).
        comment = db.session.get(Comment, appealed)
        comment.decision_reason, comment.appeal_note, comment.appealed_at = (
            "Off topic",
            "It is on topic.",
            utcnow(),
        )
        db.session.commit()
    return debate_poll


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_public_pages_have_no_violations(browser, live_server, busy_poll, axe_source, viewport):
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    found = {}
    for path in PUBLIC_PAGES:
        page.goto(live_server + path.format(slug=busy_poll))
        found[path] = violations(page, axe_source)
    page.goto(f"{live_server}/polls/{busy_poll}")
    page.get_by_role("radio", name="Diplomatic engagement").check()
    page.get_by_role("button", name="Vote").click()
    page.wait_for_url("**#results")
    found["after voting"] = violations(page, axe_source)
    # A voter's debate: the tally, "good point" buttons and reply forms (one opened).
    page.goto(f"{live_server}/polls/{busy_poll}/debate")
    page.locator(".reply-box summary").first.click()
    found["debate after voting"] = violations(page, axe_source)
    page.goto(f"{live_server}/polls/{busy_poll}/embed")
    page.get_by_role("radio", name="Undecided").check()
    page.get_by_role("button", name="Vote").click()
    page.wait_for_load_state()
    page.get_by_text("Change your vote").click()
    found["embed after voting"] = violations(page, axe_source)
    context.close()
    assert {path: items for path, items in found.items() if items} == {}, json.dumps(found, indent=1)


def in_language(path: str, locale: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={locale}"


@pytest.mark.parametrize("locale", ["ko", "ar"])
def test_public_pages_in_korean_and_arabic_have_no_violations(
    browser, live_server, busy_poll, axe_source, locale
):
    """The same pages in another script and direction (docs/languages.md): lang and dir set, labels translated."""
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    found = {}
    for path in PUBLIC_PAGES:
        page.goto(live_server + in_language(path.format(slug=busy_poll), locale))
        found[path] = violations(page, axe_source)
    page.goto(f"{live_server}/polls/{busy_poll}?lang={locale}")
    page.get_by_role("radio", name="Diplomatic engagement").check()
    page.locator(".vote-form button[type=submit]").click()
    page.wait_for_url("**#results")
    found["after voting"] = violations(page, axe_source)
    assert page.locator("html").get_attribute("lang") == locale
    context.close()
    assert {path: items for path, items in found.items() if items} == {}, json.dumps(found, indent=1)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_admin_pages_have_no_violations(browser, live_server, busy_poll, axe_source, viewport):
    context = browser.new_context(viewport=viewport, bypass_csp=True)
    page = context.new_page()
    found = {"/admin/login": None}
    page.goto(f"{live_server}/admin/login")
    found["/admin/login"] = violations(page, axe_source)
    page.get_by_label("Name").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    for path in ADMIN_PAGES[1:]:
        page.goto(live_server + path.format(slug=busy_poll))
        found[path] = violations(page, axe_source)
    context.close()
    assert {path: items for path, items in found.items() if items} == {}, json.dumps(found, indent=1)

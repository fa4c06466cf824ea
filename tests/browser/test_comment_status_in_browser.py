"""Item 6 in a real browser, JavaScript off: a comment's author keeps its one-time status link,
a moderator rejects the comment with a reason, the author's own browser is told on the poll page
and the card, and another device (no cookies) opens the link and reads the status and the reason."""

import pytest
from playwright.sync_api import expect

from poll.database.column_types import utcnow
from poll.database.models import Comment, Moderator
from poll.debate.moderation import reject
from poll.extensions import db
from tests.browser.test_accessibility import axe_source, violations  # noqa: F401 (axe_source is a fixture)

PHONE_390 = {"width": 390, "height": 844}
DESKTOP_1366 = {"width": 1366, "height": 900}
VIEWPORTS = [pytest.param(PHONE_390, id="phone"), pytest.param(DESKTOP_1366, id="desktop")]
REASON = "Calls for harm to people: argue for a policy instead."


def name_of(viewport) -> str:
    return "phone" if viewport == PHONE_390 else "desktop"


def axe_violations(browser, page, axe_script: str) -> list[str]:
    """axe needs scripts: the page the script-free reader sees, opened again (with their cookies)
    in a context where JavaScript runs, at the same size."""
    context = browser.new_context(viewport=page.viewport_size)
    try:
        context.add_cookies(page.context.cookies())
        checked = context.new_page()
        checked.goto(page.url)
        return violations(checked, axe_script)
    finally:
        context.close()


def reject_only_comment(app, reason: str) -> int:
    """What the queue's Reject does, through its service: as the moderator "mo"."""
    with app.app_context():
        comment = db.session.execute(db.select(Comment)).scalar_one()
        moderator = db.session.execute(db.select(Moderator).filter_by(username="mo")).scalar_one()
        reject(comment, moderator, utcnow(), reason)
        db.session.commit()
        return comment.id


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_rejected_author_learns_why_on_the_poll_page_and_from_another_device(
    app,
    browser,
    accounts,
    live_server,
    debate_poll,
    new_page,
    screenshots,
    axe_source,  # noqa: F811 (the fixture imported above)
    viewport,
):
    size = name_of(viewport)
    page = new_page(viewport, scripts=False)
    debate = f"{live_server}/polls/{debate_poll}/debate"
    body = "Flatten their launch sites <now>, whatever it costs."
    page.goto(debate)
    page.get_by_label("Your comment").fill(body)
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**/debate#awaiting-review")
    flash = page.locator(".flash--status-link")
    expect(flash).to_contain_text("Keep this link to check your comment from any device")
    status_link = flash.get_by_role("link").get_attribute("href")
    assert status_link.startswith(f"{live_server}/polls/{debate_poll}/comments/")
    assert "/status/" in status_link and "/status/" not in page.url
    flash.scroll_into_view_if_needed()
    screenshots(page, f"status-link-shown-{size}")
    # Shown once: the page drawn again no longer holds it.
    page.goto(debate)
    expect(page.locator(".flash--status-link")).to_have_count(0)

    comment_id = reject_only_comment(app, REASON)

    # The same browser, on the poll page and the card.
    page.goto(f"{live_server}/polls/{debate_poll}")
    line = page.locator("#my-comments-line")
    expect(line).to_have_text("1 of your comments was not published: see why")
    expect(line).to_be_in_viewport()
    screenshots(page, f"status-line-poll-page-{size}")
    assert axe_violations(browser, page, axe_source) == []
    line.get_by_role("link", name="see why").click()
    page.wait_for_url("**/debate#awaiting-review")
    expect(page.locator(f"#my-comment-{comment_id}")).to_contain_text(REASON)
    page.goto(f"{live_server}/polls/{debate_poll}/embed")
    expect(page.locator("#my-comments-line")).to_contain_text("1 of your comments was not published: see why")
    screenshots(page, f"status-line-card-{size}")

    # Another device: no cookies at all, only the link.
    other = new_page(viewport, scripts=False)
    other.goto(f"{live_server}/polls/{debate_poll}")
    expect(other.locator("h1")).to_be_visible()
    expect(other.locator("#my-comments-line")).to_have_count(0)
    response = other.goto(status_link)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    expect(other.get_by_role("heading", name="Your comment's status")).to_be_visible()
    expect(other.get_by_text("Not published", exact=True)).to_be_visible()
    expect(other.locator(".my-comment__reason")).to_contain_text(REASON)
    expect(other.locator(".my-comment__body")).to_have_text(body)
    screenshots(other, f"status-page-other-device-{size}")
    assert axe_violations(browser, other, axe_source) == []
    # A link one character off is a plain 404.
    assert other.goto(status_link[:-1] + ("A" if status_link[-1] != "A" else "B")).status == 404

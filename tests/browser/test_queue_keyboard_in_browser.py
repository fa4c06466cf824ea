"""#29 item 9: rejecting with preset reasons from the keyboard alone, in Chromium at a
phone's and a laptop's size: the reasons stored and the audit log are checked."""

import pytest

from poll.database.models import AuditEntry, Comment
from poll.debate.moderation import DEFAULT_REJECTION_REASONS
from poll.extensions import db
from tests.browser.test_moderation_in_browser import log_in

PHONE_390 = {"width": 390, "height": 844}
LAPTOP_1366 = {"width": 1366, "height": 900}


def current_id(page) -> int:
    return int(page.locator(".queue__item--current").get_attribute("data-comment-id"))


def reject_by_keys(page, keys: list[str]) -> None:
    """Press ``keys``; the last (r) sends the reject form and the queue comes back."""
    for key in keys[:-1]:
        page.keyboard.press(key)
    with page.expect_navigation():
        page.keyboard.press(keys[-1])
    assert page.locator(".flash").inner_text() == "1 comment rejected."


@pytest.mark.parametrize("viewport", [PHONE_390, LAPTOP_1366], ids=["390x844", "1366x900"])
def test_five_comments_rejected_with_preset_reasons_by_keyboard_alone(
    app, browser, live_server, accounts, make_comment, screenshots, viewport
):
    for number in range(6):
        make_comment(f"Comment number {number} about the launches.")
    page = browser.new_context(viewport=viewport).new_page()
    log_in(page, live_server, "mo")
    hint = page.locator(".shortcuts-hint")
    assert hint.is_visible() and "r reject with it" in " ".join(hint.inner_text().split())
    # The presets are numbered in each reason list as the keys choose them.
    options = page.locator(".queue__item select[name=preset]").first.locator("option").all_inner_texts()
    assert options[1:3] == [f"1 {DEFAULT_REJECTION_REASONS[0]}", f"2 {DEFAULT_REJECTION_REASONS[1]}"]
    # At the top: above the first comment, in view without scrolling.
    assert hint.bounding_box()["y"] < page.locator(".queue__item").first.bounding_box()["y"]
    assert hint.bounding_box()["y"] < viewport["height"]
    size = f"{viewport['width']}x{viewport['height']}"
    screenshots(page, f"queue-keys-{size}")

    expected = {}
    # 1. A number picks the current comment's preset, r rejects with it.
    expected[current_id(page)] = DEFAULT_REJECTION_REASONS[1]
    page.keyboard.press("2")
    preset = page.locator(".queue__item--current select[name=preset]")
    assert preset.input_value() == DEFAULT_REJECTION_REASONS[1]
    screenshots(page, f"queue-keys-reason-chosen-{size}")
    reject_by_keys(page, ["r"])
    # 2. The reported case: r with no reason goes to the reason list; a number there, then r.
    expected[current_id(page)] = DEFAULT_REJECTION_REASONS[2]
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.name") == "preset"
    reject_by_keys(page, ["3", "r"])
    # 3. In the list, its own arrow keys choose; r keeps that choice and rejects with it.
    expected[current_id(page)] = DEFAULT_REJECTION_REASONS[1]
    page.keyboard.press("r")
    reject_by_keys(page, ["ArrowDown", "ArrowDown", "r"])
    # 4. Move on with j first, then a number and r.
    page.keyboard.press("j")
    expected[current_id(page)] = DEFAULT_REJECTION_REASONS[5]
    reject_by_keys(page, ["6", "r"])
    # 5. r with no reason, Escape back from the list to the comment, a number, another, r.
    expected[current_id(page)] = DEFAULT_REJECTION_REASONS[0]
    page.keyboard.press("r")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.dataset.commentId") == str(current_id(page))
    reject_by_keys(page, ["4", "1", "r"])
    screenshots(page, f"queue-keys-after-five-{size}")

    with app.app_context():
        stored = {
            row.id: (row.status, row.decision_reason)
            for row in db.session.execute(db.select(Comment).where(Comment.id.in_(expected))).scalars()
        }
        entries = db.session.execute(
            db.select(AuditEntry).filter_by(action="comment.reject").order_by(AuditEntry.id)
        ).scalars()
        audited = {int(entry.target_id): (entry.actor, entry.reason, entry.after) for entry in entries}
    assert len(expected) == 5
    assert stored == {comment_id: ("rejected", reason) for comment_id, reason in expected.items()}
    assert {key: value[:2] for key, value in audited.items()} == {
        comment_id: ("mo", reason) for comment_id, reason in expected.items()
    }
    assert all(after["status"] == "rejected" for _, _, after in audited.values())
    page.context.close()

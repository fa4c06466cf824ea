"""The author of a comment in a real browser: what became of it, one appeal, and nothing typed lost."""

import pytest
from playwright.sync_api import expect

from poll.database.models import COMMENT_PENDING, COMMENT_REJECTED, FLAG_APPEAL, Comment
from poll.extensions import db
from tests.browser.test_accessibility import axe_source, violations  # noqa: F401 (axe_source is a fixture)

# The sizes the issue asked to look at.
PHONE_390 = {"width": 390, "height": 844}
DESKTOP_1366 = {"width": 1366, "height": 900}
VIEWPORTS = [pytest.param(PHONE_390, id="phone"), pytest.param(DESKTOP_1366, id="desktop")]


def name_of(viewport) -> str:
    return "phone" if viewport == PHONE_390 else "desktop"


def only_comment(app) -> Comment:
    with app.app_context():
        comment = db.session.execute(db.select(Comment)).scalar_one()
        _ = comment.flag_names
        db.session.expunge(comment)
        return comment


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_author_sees_the_rejection_reason_and_appeals_once(
    app,
    new_page,
    live_server,
    debate_poll,
    screenshots,
    axe_source,  # noqa: F811 (the fixture imported above)
    viewport,
):
    page = new_page(viewport=viewport)
    debate = f"{live_server}/polls/{debate_poll}/debate"
    page.goto(debate)
    page.get_by_label("Your comment").fill("Flatten their launch sites <now>, whatever it costs.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**/debate#awaiting-review")
    mine = page.locator("#awaiting-review")
    expect(mine.get_by_text("Awaiting review")).to_be_visible()

    comment = only_comment(app)
    with app.app_context():
        stored = db.session.get(Comment, comment.id)
        stored.status = COMMENT_REJECTED
        stored.decision_reason = "Calls for violence: please argue for a policy, not for harm."
        db.session.commit()

    page.goto(debate)
    item = page.locator(f"#my-comment-{comment.id}")
    expect(item.get_by_text("Rejected", exact=True)).to_be_visible()
    expect(item).to_contain_text("Calls for violence: please argue for a policy, not for harm.")
    expect(item).to_contain_text("Flatten their launch sites <now>, whatever it costs.")
    note = item.get_by_label("Think this was a mistake? Ask a moderator to look again")
    note.scroll_into_view_if_needed()
    screenshots(page, f"author-rejected-{name_of(viewport)}")
    assert violations(page, axe_source) == []

    # An empty note is refused beside the field; nothing is sent.
    item.get_by_role("button", name="Send appeal").click()
    page.wait_for_url(f"**#my-comment-{comment.id}")
    item = page.locator(f"#my-comment-{comment.id}")
    expect(item.locator(".field-errors")).to_contain_text("Please say in a few words")
    expect(item.locator(".field-errors")).to_be_in_viewport()
    assert only_comment(app).appealed_at is None
    assert violations(page, axe_source) == []

    item.get_by_label("Think this was a mistake? Ask a moderator to look again").fill(
        "I meant the missile sites, not people; I can rephrase."
    )
    item.get_by_role("button", name="Send appeal").click()
    page.wait_for_url(f"**/debate#my-comment-{comment.id}")
    item = page.locator(f"#my-comment-{comment.id}")
    expect(item.get_by_text("Appeal awaiting review")).to_be_visible()
    expect(item).to_be_in_viewport()
    expect(item.get_by_role("button", name="Send appeal")).to_have_count(0)
    screenshots(page, f"author-appealed-{name_of(viewport)}")
    assert violations(page, axe_source) == []

    appealed = only_comment(app)
    assert appealed.status == COMMENT_PENDING and FLAG_APPEAL in appealed.flag_names
    assert appealed.appeal_note == "I meant the missile sites, not people; I can rephrase."


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_comment_refused_by_an_expired_form_comes_back_in_view(
    app, new_page, live_server, debate_poll, screenshots, viewport
):
    page = new_page(viewport=viewport)
    page.goto(f"{live_server}/polls/{debate_poll}")
    typed = 'Trump promised "fire and fury" -- then held three summits.\nThe onus=on Beijing.'
    page.get_by_label("Your comment").fill(typed)
    page.context.clear_cookies()  # the session, and with it the form's token, has expired
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**/comments#comment-form")
    form = page.locator("#comment-form")
    expect(form.get_by_label("Your comment")).to_have_value(typed)
    expect(form.locator(".field-errors")).to_contain_text("This form had expired")
    expect(form.locator(".field-errors")).to_be_in_viewport()
    screenshots(page, f"author-expired-form-{name_of(viewport)}")
    with app.app_context():
        assert db.session.execute(db.select(Comment)).first() is None

    form.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**/debate#awaiting-review")
    assert only_comment(app).body.replace("\r\n", "\n") == typed  # a browser sends line breaks as CRLF


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_vote_confirmation_is_in_view_where_the_page_lands(
    new_page, live_server, debate_poll, screenshots, viewport
):
    page = new_page(viewport=viewport)
    page.goto(f"{live_server}/polls/{debate_poll}")
    page.get_by_role("radio", name="Diplomatic engagement").check()
    page.get_by_role("button", name="Vote").click()
    page.wait_for_url("**#results")
    confirmation = page.locator("#results .results__confirmation")
    expect(confirmation).to_have_text("Thank you: your vote is counted.")
    expect(confirmation).to_be_in_viewport()
    screenshots(page, f"vote-confirmed-{name_of(viewport)}")

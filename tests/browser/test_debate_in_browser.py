"""Joining the debate in a real browser."""

from poll.models import MODERATION_POST
from poll.tagging import tag

from .conftest import DESKTOP, PHONE


def test_vote_then_comment_and_see_it_in_its_column(browser, live_server, make_poll, screenshots):
    slug = make_poll(
        moderation_mode=MODERATION_POST,
        title="North Korea's missile launches: how should the world respond?",
        question="A stronger military response, or diplomatic engagement?",
        choices=[("military", "A stronger military response"), ("diplomacy", "Diplomatic engagement")],
    )
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(f"{live_server}/polls/{slug}")
        page.get_by_role("radio", name="Diplomatic engagement").check()
        page.get_by_role("button", name="Vote").click()
        page.wait_for_url("**#results")
        page.get_by_label("Your comment").fill(f"Keep talking, from the {name}.\nSecond line <3")
        page.get_by_label("Display name (optional)").fill(f"Reader on {name}")
        page.get_by_role("button", name="Post comment").click()
        page.wait_for_url("**/debate#comment-*")
        # The column is the tagger's stance for what was typed (the moderator's to correct).
        stance = tag(f"Keep talking, from the {name}.\nSecond line <3").stance
        column = page.locator(".debate__neutral" if stance == "neutral" else f".debate__column--{stance}")
        assert f"Keep talking, from the {name}." in column.inner_text()
        assert "Second line <3" in column.inner_text()
        assert "voted: Diplomatic engagement" in column.inner_text()
        screenshots(page, f"debate-{name}")
        context.close()


def test_empty_comment_shows_the_error_next_to_the_field(browser, live_server, debate_poll):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server}/polls/{debate_poll}/debate")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    assert (
        "Please write a comment before posting." in page.locator(".comment-form .field-errors").inner_text()
    )
    context.close()

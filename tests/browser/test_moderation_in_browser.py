"""A moderator at work in a real browser."""

from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import PASSWORD


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
    # Its author has not voted: other views, whatever it argues.
    assert "Keep the diplomatic channels open" in public.locator('.thread[data-side="neutral"]').inner_text()
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


QUEUE_DESKTOP = {"width": 1366, "height": 900}
QUEUE_PHONE = {"width": 390, "height": 844}
# Before the compact rows a 25-comment page was 8,100 px tall at desktop width.
OLD_QUEUE_HEIGHT = 8100


def varied_comments(make_comment, count: int) -> list[int]:
    bodies = [
        "Keep the diplomatic channels open, please: sanctions alone have not worked.",
        "No more talks, respond with force! They only understand strength.",
        "How many missiles were fired this year? I cannot find a clear figure anywhere.",
        "Talks failed three times. Why would a fourth round be different? Still, war is worse.",
        "Both sides need a way to save face; a freeze for sanctions relief could be it.",
    ]
    return [make_comment(f"{bodies[n % len(bodies)]} ({n})", voter=f"{n:032d}") for n in range(count)]


def test_a_page_of_25_comments_is_a_third_as_tall_as_before(
    browser, live_server, accounts, make_comment, debate_poll, screenshots
):
    varied_comments(make_comment, 25)
    context = browser.new_context(viewport=QUEUE_DESKTOP)
    page = context.new_page()
    log_in(page, live_server, "mo")
    assert page.locator(".queue__item").count() == 25
    height = page.evaluate("document.documentElement.scrollHeight")
    screenshots(page, "admin-queue-25-1366")
    assert height * 3 <= OLD_QUEUE_HEIGHT, f"the queue is {height} px tall"
    # Nothing is cut off sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= QUEUE_DESKTOP["width"]
    phone = browser.new_context(viewport=QUEUE_PHONE).new_page()
    log_in(phone, live_server, "mo")
    screenshots(phone, "admin-queue-25-390")
    assert phone.evaluate("document.documentElement.scrollWidth") <= QUEUE_PHONE["width"]
    phone.context.close()
    context.close()


def test_five_comments_worked_by_keyboard_without_the_cursor_jumping(
    app, browser, live_server, accounts, make_comment, debate_poll, screenshots
):
    from poll.database.models import Comment
    from poll.extensions import db

    ids = varied_comments(make_comment, 7)
    context = browser.new_context(viewport=QUEUE_DESKTOP)
    page = context.new_page()
    log_in(page, live_server, "mo")

    def current_id() -> int:
        return int(page.locator(".queue__item--current").get_attribute("data-comment-id"))

    def order() -> list[int]:
        return [int(item.get_attribute("data-comment-id")) for item in page.locator(".queue__item").all()]

    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    assert current_id() == order()[1]
    decided = []
    for step in range(5):
        before = order()
        at = before.index(current_id())
        expected_next = before[at + 1] if at + 1 < len(before) else before[at - 1]
        decided.append(before[at])
        if step % 2:
            page.locator(".queue__item--current select[name=preset]").select_option("Off topic")
            page.locator(".queue__item--current").focus()
            page.keyboard.press("r")
        else:
            page.keyboard.press("a")
        page.wait_for_url(f"**#queue-{expected_next}")
        page.wait_for_selector(".queue__item--current")
        # The cursor lands on the comment that followed, which is focused, not on the top of the list.
        assert current_id() == expected_next
        assert page.evaluate("document.activeElement.getAttribute('data-comment-id')") == str(expected_next)
        assert decided[-1] not in order()
    screenshots(page, "admin-queue-after-keyboard-1366")
    with app.app_context():
        statuses = {
            c.id: (c.status, c.decision_reason) for c in db.session.execute(db.select(Comment)).scalars()
        }
    assert [statuses[i] for i in decided] == [
        ("approved", ""),
        ("rejected", "Off topic"),
        ("approved", ""),
        ("rejected", "Off topic"),
        ("approved", ""),
    ]
    assert sorted(set(ids) - set(decided)) == sorted(order())
    context.close()


def test_a_muted_voter_is_refused_with_a_clear_message(
    browser, live_server, accounts, debate_poll, screenshots
):
    reader = browser.new_context(viewport=QUEUE_PHONE).new_page()
    reader.goto(f"{live_server}/polls/{debate_poll}/debate")
    reader.get_by_role("textbox", name="Your comment").fill("You are all idiots and I will keep saying it.")
    reader.get_by_role("button", name="Post comment").click()
    reader.wait_for_load_state()

    moderator = browser.new_context(viewport=QUEUE_DESKTOP).new_page()
    log_in(moderator, live_server, "mo")
    item = moderator.locator(".queue__item", has_text="You are all idiots")
    item.locator("summary", has_text="More").click()
    item.get_by_role("link", name="Mute this author…").click()
    moderator.get_by_label("Reason").fill("Insults other readers")
    moderator.get_by_label("For").select_option("7d")
    screenshots(moderator, "admin-mute-1366")
    moderator.get_by_role("button", name="Mute").click()
    moderator.wait_for_url("**/admin/**")
    assert "is muted until" in moderator.locator(".flash").inner_text()
    moderator.get_by_role("link", name="Mutes").click()
    assert "Insults other readers" in moderator.locator("table").inner_text()
    screenshots(moderator, "admin-mutes-1366")

    reader.goto(f"{live_server}/polls/{debate_poll}/debate")
    reader.get_by_role("textbox", name="Your comment").fill("Another insult.")
    reader.get_by_role("button", name="Post comment").click()
    reader.wait_for_load_state()
    assert "paused comments from this browser until" in reader.content()
    assert reader.get_by_role("textbox", name="Your comment").input_value() == "Another insult."
    screenshots(reader, "debate-muted-390")

    moderator.get_by_role("button", name="Lift").click()
    moderator.wait_for_load_state()
    assert "Mute lifted" in moderator.locator(".flash").inner_text()
    reader.get_by_role("button", name="Post comment").click()
    reader.wait_for_load_state()
    assert "paused comments" not in reader.content()
    reader.context.close()
    moderator.context.close()


def test_the_dashboard_at_1366_clips_no_table(
    app, browser, live_server, accounts, make_comment, debate_poll, screenshots
):
    from poll.database.column_types import utcnow
    from poll.polls.finding import poll_by_slug
    from poll.polls.voting import cast_vote

    app.config["VOTE_BURST_THRESHOLD"] = 2
    with app.app_context():
        from poll.extensions import db

        poll = poll_by_slug(debate_poll)
        for n, key in enumerate(("military", "military", "undecided", "diplomacy")):
            cast_vote(poll, poll.choice_by_key(key), f"{n:032d}", utcnow(), "b" * 32)
        db.session.commit()
    page = browser.new_context(viewport=QUEUE_DESKTOP).new_page()
    log_in(page, live_server, "ada")
    page.goto(f"{live_server}/admin/polls/{debate_poll}/dashboard")
    screenshots(page, "admin-dashboard-1366")
    clipped = page.evaluate(
        """() => Array.from(document.querySelectorAll('.panel table')).filter(table => {
            const panel = table.closest('.panel').getBoundingClientRect();
            const frame = table.closest('.table-scroll');
            const box = (frame || table).getBoundingClientRect();
            const inner = frame || table;
            return box.right > panel.right + 1 || inner.scrollWidth > inner.clientWidth + 1;
        }).length"""
    )
    assert clipped == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= QUEUE_DESKTOP["width"]
    ticks = page.locator(".chart__ticks li").all_inner_texts()
    assert ticks and len(set(ticks)) == len(ticks)
    phone = browser.new_context(viewport=QUEUE_PHONE).new_page()
    log_in(phone, live_server, "ada")
    phone.goto(f"{live_server}/admin/polls/{debate_poll}/dashboard")
    screenshots(phone, "admin-dashboard-390")
    phone.context.close()
    page.context.close()

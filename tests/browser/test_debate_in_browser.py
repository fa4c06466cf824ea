"""Joining the debate in a real browser."""

from poll.database.column_types import utcnow
from poll.database.models import COMMENT_APPROVED, MODERATION_POST, CommentMark
from poll.debate.comments import post_comment
from poll.debate.marks import toggle_mark
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote
from tests.browser.conftest import DESKTOP, PHONE


def voted_reader(browser, live_server, slug, viewport, answer):
    """A new browser at ``viewport`` that has voted ``answer`` in the poll (context, page)."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server}/polls/{slug}")
    page.get_by_role("radio", name=answer).check()
    page.get_by_role("button", name="Vote").click()
    page.wait_for_url("**#results")
    return context, page


def test_vote_then_comment_and_see_it_under_the_side_voted_for(browser, live_server, make_poll, screenshots):
    slug = make_poll(
        moderation_mode=MODERATION_POST,
        title="North Korea's missile launches: how should the world respond?",
        question="A stronger military response, or diplomatic engagement?",
        choices=[("military", "A stronger military response"), ("diplomacy", "Diplomatic engagement")],
    )
    for viewport, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context, page = voted_reader(browser, live_server, slug, viewport, "Diplomatic engagement")
        page.get_by_label("Your comment").fill(f"Keep talking, from the {name}.\nSecond line <3")
        page.get_by_label("Display name (optional)").fill(f"Reader on {name}")
        page.get_by_role("button", name="Post comment").click()
        page.wait_for_url("**/debate#comment-*")
        # The column is the side the reader voted for, whatever the tagger reads in the words.
        thread = page.locator("#threads .thread", has_text=f"Keep talking, from the {name}.")
        assert thread.get_attribute("data-side") == "diplomacy"
        assert "Second line <3" in thread.inner_text()
        assert "voted: Diplomatic engagement" in thread.inner_text()
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


# The sizes the issue asked to look at.
PHONE_390 = {"width": 390, "height": 844}
DESKTOP_1366 = {"width": 1366, "height": 900}


def article_poll(make_poll):
    return make_poll(
        slug="article",
        moderation_mode=MODERATION_POST,
        question="A stronger military response, or diplomatic engagement?",
        choices=[("military", "A stronger military response"), ("diplomacy", "Diplomatic engagement")],
    )


def fixture_comment(app, slug, voter, body, choice=None, stance=None):
    """A published comment by ``voter`` (who votes ``choice`` first), filed under ``stance``; returns its id."""
    with app.app_context():
        poll = poll_by_slug(slug)
        if choice:
            cast_vote(poll, poll.choice_by_key(choice), voter, utcnow())
        comment = post_comment(poll, voter, body, f"Reader {voter[:3]}", "", utcnow())
        comment.corrected_stance = stance
        comment.status = COMMENT_APPROVED  # published on a pre-moderated poll too
        db.session.commit()
        return comment.id


def fixture_marks(app, slug, comment_id, voters_by_choice):
    with app.app_context():
        poll = poll_by_slug(slug)
        for voter, choice in voters_by_choice:
            cast_vote(poll, poll.choice_by_key(choice), voter, utcnow())
            toggle_mark(poll, comment_id, voter, utcnow())
        db.session.commit()


def test_a_reader_replies_to_and_marks_a_comment(app, browser, live_server, make_poll, screenshots):
    slug = article_poll(make_poll)
    target = fixture_comment(
        app, slug, "h" * 32, "Sanctions only work with a credible threat behind them.", "military", "military"
    )
    fixture_comment(app, slug, "d" * 32, "Talks kept the peace for years.", "diplomacy", "diplomacy")
    for viewport, name in ((PHONE_390, "phone"), (DESKTOP_1366, "desktop")):
        context, page = voted_reader(browser, live_server, slug, viewport, "Diplomatic engagement")
        page.goto(f"{live_server}/polls/{slug}/debate")
        comment = page.locator(f"#comment-{target}")
        mark = comment.get_by_role("button", name="Good point")
        assert mark.get_attribute("aria-pressed") == "false"
        mark.click()
        page.wait_for_url(f"**#comment-{target}")
        comment = page.locator(f"#comment-{target}")
        assert comment.get_by_role("button", name="Good point").get_attribute("aria-pressed") == "true"
        assert "from voters of another side" in comment.inner_text()
        thread = page.locator("#threads .thread", has=page.locator(f"#comment-{target}"))
        thread.locator("summary", has_text="Reply").click()
        thread.get_by_label("Your reply").fill(f"But threats also hardened positions ({name}).")
        thread.get_by_role("button", name="Post reply").click()
        page.wait_for_url("**#comment-*")
        thread = page.locator("#threads .thread", has=page.locator(f"#comment-{target}"))
        replies = thread.locator(".replies")
        assert f"But threats also hardened positions ({name})." in replies.inner_text()
        assert "voted: Diplomatic engagement" in replies.inner_text()
        assert "Thank you: your reply is published." in page.locator(".flash--success").inner_text()
        # Beside it, the reply's own status link, shown this once.
        assert "/status/" in page.locator(".flash--status-link a").get_attribute("href")
        screenshots(page, f"debate-reply-and-mark-{name}")
        context.close()
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(CommentMark)).scalar() == 2


def test_valued_across_sides_puts_praise_from_both_sides_first(
    app, browser, live_server, make_poll, screenshots
):
    slug = article_poll(make_poll)
    own_side = fixture_comment(app, slug, "1" * 32, "Hawks loved this one.", "military", "military")
    both_sides = fixture_comment(app, slug, "2" * 32, "Both sides liked this one.", "military", "military")
    newest = fixture_comment(app, slug, "3" * 32, "Nobody marked this yet.", "military", "military")
    fixture_marks(app, slug, own_side, [(f"{n}" * 32, "military") for n in "456"])
    fixture_marks(app, slug, both_sides, [("7" * 32, "military"), ("8" * 32, "diplomacy")])
    for viewport, name in ((PHONE_390, "phone"), (DESKTOP_1366, "desktop")):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(f"{live_server}/polls/{slug}/debate")
        page.get_by_role("link", name="For: A stronger military response").click()
        page.wait_for_url("**side=military**")
        bodies = page.locator("#threads .thread .comment__body").all_inner_texts()
        assert bodies[0] == "Nobody marked this yet."  # newest first by default
        page.get_by_role("link", name="Valued across sides").click()
        page.wait_for_url("**sort=valued**")
        assert page.locator("#threads .thread .comment__body").all_inner_texts() == [
            "Both sides liked this one.",
            "Hawks loved this one.",
            "Nobody marked this yet.",
        ]
        assert "1 from voters of another side" in page.locator(f"#comment-{both_sides}").inner_text()
        assert page.get_by_role("link", name="Valued across sides").get_attribute("aria-current") == "true"
        screenshots(page, f"debate-valued-{name}")
        assert newest
        context.close()


def test_the_split_and_tabs_at_phone_and_desktop_sizes(
    app, browser, live_server, debate_poll, make_comment, screenshots
):
    """The whole page as a reader sees it after voting (for a person to look at), and no side first always."""
    for n in range(4):
        fixture_comment(
            app, debate_poll, f"{n}" * 32, f"Respond with force, reason {n}.", "military", "military"
        )
    fixture_comment(app, debate_poll, "9" * 32, "Keep negotiating.", "diplomacy", "diplomacy")
    for viewport, name in ((PHONE_390, "phone"), (DESKTOP_1366, "desktop")):
        context, page = voted_reader(browser, live_server, debate_poll, viewport, "Undecided")
        page.goto(f"{live_server}/polls/{debate_poll}/debate")
        sides = page.locator("#threads .thread").evaluate_all("items => items.map(item => item.dataset.side)")
        assert set(sides[:2]) == {"military", "diplomacy"}  # the sides take turns
        assert page.locator("#results").is_visible()
        assert page.locator(".split__table").is_visible()
        screenshots(page, f"debate-split-{name}")
        context.close()


def test_a_muted_reader_reads_the_mute_above_the_comment_form(
    app, browser, live_server, debate_poll, screenshots
):
    from datetime import timedelta

    from poll.database.models import VoterMute
    from poll.voters.cookie import VOTER_COOKIE, read_voter_token
    from poll.voters.pseudonyms import voter_id_for

    for viewport, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        context, page = voted_reader(browser, live_server, debate_poll, viewport, "Diplomatic engagement")
        cookie = next(c["value"] for c in context.cookies() if c["name"] == VOTER_COOKIE)
        with app.app_context():
            voter_id = voter_id_for(read_voter_token(cookie))
            db.session.add(
                VoterMute(voter_id=voter_id, reason="Insults.", expires_at=utcnow() + timedelta(days=1))
            )
            db.session.commit()
        page.goto(f"{live_server}/polls/{debate_poll}/debate#join")
        notice = page.locator("#comment-form .notice")
        assert notice.is_visible() and "paused comments from this browser" in notice.inner_text()
        screenshots(page, f"debate-muted-{name}")
        context.close()

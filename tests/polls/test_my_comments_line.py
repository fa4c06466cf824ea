"""The line on the poll page and the card that tells a reader of their own unpublished comments:
only their browser sees it, and no cache (the app's shared page, a proxy) ever keeps it."""

import re

import pytest

from poll.database.models import COMMENT_APPROVED, COMMENT_FLAGGED, COMMENT_PENDING, COMMENT_REJECTED
from poll.voters.cookie import VOTER_COOKIE, sign_voter_token
from poll.voters.pseudonyms import voter_id_for
from poll.web.frame_cookies import FRAME_VOTER_COOKIE

AUTHOR_TOKEN = "2" * 32
PAGES = [pytest.param("/polls/{slug}", id="poll page"), pytest.param("/polls/{slug}/embed", id="card")]


@pytest.fixture
def author_id(app):
    with app.app_context():
        return voter_id_for(AUTHOR_TOKEN)


def browser(app, token: str | None = AUTHOR_TOKEN, cookie: str = VOTER_COOKIE):
    client = app.test_client()
    if token is not None:
        with app.app_context():
            client.set_cookie(cookie, sign_voter_token(token))
    return client


def line_of(response) -> str | None:
    """The line's text (tags dropped, spaces folded), or None."""
    match = re.search(r'<p class="my-comments-line"[^>]*>(.*?)</p>', response.get_data(as_text=True), re.S)
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split()) if match else None


@pytest.mark.parametrize("page", PAGES)
def test_a_rejected_author_is_told_on_the_poll_page_and_the_card(
    app, debate_poll, make_comment, author_id, page
):
    make_comment("Bomb them.", voter=author_id, status=COMMENT_REJECTED)
    make_comment("Talks, please.", voter=author_id, status=COMMENT_APPROVED)
    response = browser(app).get(page.format(slug=debate_poll))
    assert line_of(response).startswith("1 of your comments was not published: see why")
    html = response.get_data(as_text=True)
    assert re.search(rf'href="[^"]*/polls/{debate_poll}/debate#awaiting-review"', html)
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("statuses", "line"),
    [
        ([COMMENT_REJECTED, COMMENT_REJECTED], "2 of your comments were not published: see why"),
        (
            [COMMENT_REJECTED, COMMENT_PENDING, COMMENT_FLAGGED],
            "1 of your comments was not published and 2 are awaiting review: see why",
        ),
        (
            [COMMENT_REJECTED, COMMENT_REJECTED, COMMENT_PENDING],
            "2 of your comments were not published and 1 is",
        ),
        ([COMMENT_PENDING], "1 of your comments is awaiting review: see them"),
        ([COMMENT_PENDING, COMMENT_FLAGGED], "2 of your comments are awaiting review: see them"),
    ],
)
def test_the_line_counts_in_words(app, debate_poll, make_comment, author_id, statuses, line):
    for n, status in enumerate(statuses):
        make_comment(f"Comment number {n}.", voter=author_id, status=status)
    assert line_of(browser(app).get(f"/polls/{debate_poll}")).startswith(line)


@pytest.mark.parametrize("page", PAGES)
def test_nobody_else_sees_it_and_the_shared_page_never_carries_it(
    app, debate_poll, make_comment, author_id, page
):
    address = page.format(slug=debate_poll)
    stranger = browser(app, "3" * 32)
    newcomer = browser(app, None)
    # The page every reader who has not voted shares is kept first; the author still gets their own.
    assert line_of(newcomer.get(address)) is None
    make_comment("Bomb them.", voter=author_id, status=COMMENT_REJECTED)
    assert line_of(browser(app).get(address)) is not None
    # ...and the author's page was not kept for the others.
    for other in (stranger, newcomer, browser(app, None)):
        response = other.get(address)
        assert line_of(response) is None
        assert response.headers["Cache-Control"] == "private, no-cache"


def test_an_author_with_only_published_comments_gets_no_line(app, debate_poll, make_comment, author_id):
    make_comment("Talks, please.", voter=author_id, status=COMMENT_APPROVED)
    response = browser(app).get(f"/polls/{debate_poll}")
    assert line_of(response) is None
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_the_card_reads_the_full_sites_voter_where_the_browser_sends_it(
    app, debate_poll, make_comment, author_id
):
    """Comments are written on the full site; a frame on another site has only its own voter cookie."""
    make_comment("Bomb them.", voter=author_id, status=COMMENT_REJECTED)
    address = f"/polls/{debate_poll}/embed"
    assert line_of(browser(app).get(address)) is not None
    assert line_of(browser(app, AUTHOR_TOKEN, cookie=FRAME_VOTER_COOKIE).get(address)) is not None
    assert line_of(browser(app, "4" * 32, cookie=FRAME_VOTER_COOKIE).get(address)) is None

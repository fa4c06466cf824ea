"""What a reader arriving from the article meets first: the question and its Vote before the
poll's background (folded), and the debate's size beside the way into it, on the poll page and the card."""

import pytest

from poll.database.column_types import utcnow
from poll.database.models import COMMENT_APPROVED, COMMENT_PENDING, COMMENT_REJECTED, Comment
from poll.debate.comments import post_comment
from poll.extensions import db
from poll.polls.debate_poll import DEBATE_POLL
from poll.polls.finding import poll_by_slug

PAGES = ["/polls/{slug}", "/polls/{slug}/embed"]


def html(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def comment_with_status(app, slug: str, status: str, parent_id: int | None = None) -> int:
    with app.app_context():
        poll = poll_by_slug(slug)
        parent = db.session.get(Comment, parent_id) if parent_id else None
        comment = post_comment(poll, "v" * 32, f"A {status} comment.", "", "", utcnow(), parent=parent)
        comment.status = status
        db.session.commit()
        return comment.id


def join_link_text(page: str) -> str:
    """The card's link into the debate, as read aloud without its 'opens in a new tab'."""
    link = page.split('class="embed-links"', 1)[1].split("</a>", 1)[0]
    return link.split('rel="noopener">', 1)[1].split("<span", 1)[0].strip()


def join_heading(page: str) -> str:
    return page.split('<h2 id="join-heading">', 1)[1].split("</h2>", 1)[0].strip()


def test_the_question_and_vote_come_before_the_folded_summary(client, debate_poll):
    page = html(client, f"/polls/{debate_poll}")
    vote = page.index('<button type="submit" class="button">Vote</button>')
    summary = page.index('<details class="summary">')
    assert page.index(DEBATE_POLL["question"]) < vote < summary
    folded = page[summary:].split("</details>", 1)[0]
    assert "<summary>About this poll</summary>" in folded
    assert "12,000 North Korean soldiers" in folded  # the whole summary is there, folded
    assert '<details class="summary" open' not in page


def test_a_poll_without_a_summary_has_nothing_to_unfold(client, make_poll):
    page = html(client, f"/polls/{make_poll(summary='')}")
    assert "About this poll" not in page


def test_the_card_puts_the_question_and_vote_first(client, debate_poll):
    page = html(client, f"/polls/{debate_poll}/embed")
    assert page.index(DEBATE_POLL["question"]) < page.index(">Vote</button>") < page.index("embed-links")
    assert "About this poll" not in page and "12,000 North Korean soldiers" not in page


@pytest.mark.parametrize("path", PAGES)
def test_a_debate_without_published_comments_is_just_joined(app, client, debate_poll, path):
    comment_with_status(app, debate_poll, COMMENT_PENDING)
    comment_with_status(app, debate_poll, COMMENT_REJECTED)
    page = html(client, path.format(slug=debate_poll))
    shown = join_link_text(page) if path.endswith("embed") else join_heading(page)
    assert shown == "Join the debate"


@pytest.mark.parametrize("path", PAGES)
def test_the_debates_size_counts_its_published_threads(app, client, debate_poll, make_poll, path):
    first = comment_with_status(app, debate_poll, COMMENT_APPROVED)
    comment_with_status(app, debate_poll, COMMENT_PENDING)
    comment_with_status(app, debate_poll, COMMENT_APPROVED, parent_id=first)  # read inside its thread
    comment_with_status(app, make_poll(), COMMENT_APPROVED)  # another poll's debate
    page = html(client, path.format(slug=debate_poll))
    shown = join_link_text(page) if path.endswith("embed") else join_heading(page)
    assert shown == "Join the debate: 1 comment"

    for _ in range(2):
        comment_with_status(app, debate_poll, COMMENT_APPROVED)
    page = html(client, path.format(slug=debate_poll))
    shown = join_link_text(page) if path.endswith("embed") else join_heading(page)
    # The page was kept (poll.web.page_cache) before these comments: the count is part of its key.
    assert shown == "Join the debate: 3 comments"


def test_the_count_agrees_with_the_debates_all_sides_tab(app, client, debate_poll):
    for status in (COMMENT_APPROVED, COMMENT_APPROVED, COMMENT_PENDING):
        comment_with_status(app, debate_poll, status)
    debate = html(client, f"/polls/{debate_poll}/debate")
    tab = debate.split('All sides <span class="count">', 1)[1].split("<", 1)[0]
    assert tab == "2"
    assert join_heading(html(client, f"/polls/{debate_poll}")) == "Join the debate: 2 comments"

"""The debate's way in: a 'Join the debate' link under the question, and the form (or the closed
notice) before the threads, however many there are."""

from datetime import timedelta

from poll.database.column_types import utcnow
from poll.database.models import MODERATION_POST
from poll.debate.comments import post_comment
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from tests.helpers import set_poll


def debate_page(client, slug: str) -> str:
    response = client.get(f"/polls/{slug}/debate")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_link_under_the_question_reaches_the_form_before_the_threads(app, client, make_poll):
    slug = make_poll(slug="busy", moderation_mode=MODERATION_POST)
    with app.app_context():
        for n in range(30):
            post_comment(poll_by_slug(slug), f"{n:032d}", f"Comment number {n}.", "", "", utcnow())
        db.session.commit()
    page = debate_page(client, slug)
    link = page.index('<a href="#join">Join the debate</a>')
    form = page.index('id="comment-form"')
    assert (
        page.index("<h1>The debate</h1>") < link < page.index('<section class="join join--first" id="join"')
    )
    assert form < page.index('id="threads"') < page.index("Comment number 29.")
    assert page.count('id="join"') == 1 and page.count('id="join-heading"') == 1


def test_a_closed_debate_says_so_where_the_form_was(app, client, make_poll):
    slug = make_poll(slug="closed")
    set_poll(app, slug, closes_at=utcnow() - timedelta(minutes=1))
    page = debate_page(client, slug)
    join = page.split('id="join"', 1)[1].split("</section>", 1)[0]
    assert "This poll is closed, and so is its debate." in join
    assert 'id="comment-form"' not in page
    assert page.index('id="join"') < page.index('id="threads"')

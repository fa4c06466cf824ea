"""The per-poll dashboard."""

import html
import re
from zoneinfo import ZoneInfo

from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.frame_height import embed_height_for


def test_dashboard_shows_tallies_votes_over_time_grid_queue_and_activity(
    app, admin_client, moderator_client, make_comment, debate_poll
):
    for choice in ("military", "diplomacy", "diplomacy"):
        app.test_client().post(f"/polls/{debate_poll}/vote", data={"choice": choice})
    approved = make_comment("Keep negotiating, please.")
    make_comment("No more talks, respond with force!")
    moderator_client.post(f"/admin/comments/{approved}/moderate", data={"action": "approve"})
    page = admin_client.get(f"/admin/polls/{debate_poll}/dashboard").get_data(as_text=True)
    assert "3 votes in total" in page and "67%" in page
    # The chart is drawn by the server: the only script on the page is the embed code's copy button.
    assert "Votes per hour" in page and '<svg class="chart"' in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/js/share.js" defer>']
    assert "1 comment waiting" in page
    assert "<strong>mo</strong>: 1 action" in page
    assert 'data-n="1"' in page


def test_dashboard_lists_vote_bursts_from_one_address(app, admin_client, debate_poll):
    app.config["VOTE_BURST_THRESHOLD"] = 3
    for _ in range(4):
        fresh_browser = app.test_client()
        fresh_browser.post(
            f"/polls/{debate_poll}/vote",
            data={"choice": "military"},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
    app.test_client().post(f"/polls/{debate_poll}/vote", data={"choice": "diplomacy"})
    page = admin_client.get(f"/admin/polls/{debate_poll}/dashboard").get_data(as_text=True)
    assert "Vote bursts" in page and "3 or more new voters" in page
    assert "<strong>4</strong>" in page and "<li>A stronger military response: 4</li>" in page
    assert "203.0.113.9" not in page


def test_a_bursts_hour_is_shown_in_the_newsrooms_time_zone(app, admin_client, debate_poll):
    from datetime import timedelta

    from poll.database.column_types import utcnow
    from poll.polls.finding import poll_by_slug
    from poll.polls.voting import cast_vote

    app.config.update(VOTE_BURST_THRESHOLD=2, TIMEZONE="Asia/Seoul")
    # Two hours ago at 10 past (UTC): both votes fall in one hour whatever the clock says now.
    hour = (utcnow() - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        poll.opens_at = hour - timedelta(days=1)
        for n in range(2):
            cast_vote(
                poll, poll.choice_by_key("military"), f"{n:032d}", hour + timedelta(minutes=10), "e" * 32
            )
        db.session.commit()
    seoul = hour.astimezone(ZoneInfo("Asia/Seoul"))
    page = admin_client.get(f"/admin/polls/{debate_poll}/dashboard").get_data(as_text=True)
    bursts = page.split('id="bursts-heading"')[1].split("</section>")[0]
    assert f"hour from {seoul.day} {seoul:%b %Y, %H:%M} KST" in bursts


def test_dashboard_says_when_there_are_no_bursts(admin_client, debate_poll):
    page = admin_client.get(f"/admin/polls/{debate_poll}/dashboard").get_data(as_text=True)
    assert "No bursts in the last day." in page


def test_the_vote_chart_is_labelled_in_the_newsrooms_time_zone(app, admin_client, debate_poll):
    app.config["TIMEZONE"] = "Asia/Seoul"
    app.test_client().post(f"/polls/{debate_poll}/vote", data={"choice": "military"})
    page = admin_client.get(f"/admin/polls/{debate_poll}/dashboard").get_data(as_text=True)
    assert "Times in Asia/Seoul." in page
    ticks = re.findall(r"<li>([^<]+)</li>", page.split('class="chart__ticks"')[1].split("</ol>")[0])
    assert ticks and len(ticks) == len(set(ticks))


def test_the_plain_frame_code_is_as_tall_as_the_polls_card_needs(admin_client, make_poll):
    """For CMSs that strip scripts the frame cannot resize itself: its height comes from the poll's choices."""

    def plain_frame_height(slug: str) -> int:
        page = admin_client.get(f"/admin/polls/{slug}/dashboard").get_data(as_text=True)
        snippet = html.unescape(re.search(r'<textarea id="embed-iframe"[^>]*>([^<]*)</textarea>', page)[1])
        assert snippet.startswith(f'<iframe src="http://localhost/polls/{slug}/embed"')
        return int(re.search(r' height="(\d+)"', snippet)[1])

    two = make_poll("two-answers", choices=[("y", "Yes"), ("n", "No")])
    ten = make_poll("ten-answers", choices=[(f"c{n}", f"Answer {n}") for n in range(10)])
    assert plain_frame_height(two) < plain_frame_height(ten)
    with admin_client.application.app_context():
        assert plain_frame_height(ten) == embed_height_for(poll_by_slug(ten))

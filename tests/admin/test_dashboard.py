"""The per-poll dashboard."""


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
    assert "Votes per hour" in page and '<svg class="chart"' in page and "<script" not in page
    assert "1 comment waiting" in page
    assert "<strong>mo</strong>: 1 action" in page
    assert 'data-n="1"' in page

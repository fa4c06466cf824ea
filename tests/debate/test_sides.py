"""The debate's sides: their headings and the order they turn in."""

from datetime import timedelta

from poll.debate.sides import side_order
from poll.polls.finding import poll_by_slug
from tests.debate.building import TODAY, set_unsure_neutral


def test_sides_come_from_the_poll_with_their_headings(ctx, car_free):
    poll = poll_by_slug(car_free)
    set_unsure_neutral(poll)
    poll.choice_by_key("no").side_heading = "Keep the cars"
    sides = side_order(poll, TODAY)
    assert {side.key for side in sides[:2]} == {"yes", "no"}
    headings = {side.key: side.heading for side in sides}
    assert headings["yes"] == "For: Yes" and headings["no"] == "Keep the cars"
    assert sides[-1].key == "neutral"


def test_no_side_is_always_first(ctx, car_free, article):
    for slug in (car_free, article):
        poll = poll_by_slug(slug)
        firsts = {side_order(poll, TODAY + timedelta(days=day))[0].key for day in range(3)}
        assert len(firsts) >= 2, slug

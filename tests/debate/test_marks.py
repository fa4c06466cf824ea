"""Good-point marks: counted across the sides, only while a vote counts, one per voter, and refused
where they do not belong."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from poll.database.column_types import utcnow
from poll.database.models import COMMENT_PENDING, CommentMark
from poll.debate.comments import CommentsClosedError, DebateRequestError
from poll.debate.marks import mark_counts, toggle_mark
from poll.debate.reading import SORT_VALUED, debate_view
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote
from poll.voters.pseudonyms import voter_id_for
from tests.debate.building import TODAY, comment, mark, vote, voter
from tests.debate.building import voter as token
from tests.helpers import reader, say


def test_a_marker_without_a_vote_or_an_author_without_one_is_not_across(ctx, article):
    poll = poll_by_slug(article)
    vote(poll, "diplomacy", 2)
    posted = comment(poll, 1, "The author has not voted.", stance="military")
    mark(poll, posted, 2)
    assert mark_counts(poll.id, [posted.id])[posted.id].across == 0


def test_a_mark_toggles_and_is_one_row(ctx, article):
    poll = poll_by_slug(article)
    vote(poll, "military", 2)
    posted = comment(poll, 1, "Mark me")
    assert toggle_mark(poll, posted.id, voter(2), utcnow()) is True
    assert toggle_mark(poll, posted.id, voter(2), utcnow()) is False
    assert db.session.execute(db.select(db.func.count()).select_from(CommentMark)).scalar() == 0
    assert toggle_mark(poll, posted.id, voter(2), utcnow()) is True
    assert mark_counts(poll.id, [posted.id])[posted.id].marks == 1


def test_marks_are_refused_once_the_poll_closes_and_nothing_is_written(ctx, article):
    poll = poll_by_slug(article)
    vote(poll, "military", 2)
    posted = comment(poll, 1, "Mark me")
    poll.closes_at = utcnow()
    with pytest.raises(CommentsClosedError, match="closed, and so is its debate"):
        toggle_mark(poll, posted.id, voter(2), utcnow())
    assert db.session.execute(db.select(db.func.count()).select_from(CommentMark)).scalar() == 0


def test_marks_refused_on_own_unpublished_or_foreign_comments_and_without_a_vote(ctx, article, car_free):
    poll, other = poll_by_slug(article), poll_by_slug(car_free)
    vote(poll, "military", 1)
    vote(poll, "military", 2)
    own = comment(poll, 1, "My own")
    pending = comment(poll, 3, "Pending")
    pending.status = COMMENT_PENDING
    foreign = comment(other, 3, "Another poll's")
    cases = [
        (own.id, voter(1), 403, "your own comment"),
        (pending.id, voter(2), 404, "no such published comment"),
        (foreign.id, voter(2), 404, "no such published comment"),
        (own.id, voter(7), 403, "Vote in the poll first"),
    ]
    for comment_id, who, status, words in cases:
        with pytest.raises(DebateRequestError, match=words) as refused:
            toggle_mark(poll, comment_id, who, utcnow())
        assert refused.value.status == status


def test_a_voided_burst_takes_its_marks_out_of_every_count_and_a_restore_puts_them_back(ctx, article):
    """#27 item 3: 22 new voters from one address marked one comment; the void left
    "22 good points" and its "valued across sides" rank, and they could still mark."""
    from poll.database.models import VOTE_COUNTED, VOTE_VOID, Vote

    poll = poll_by_slug(article)
    vote(poll, "diplomacy", 1)
    boosted = comment(poll, 1, "Boosted by a burst")
    vote(poll, "diplomacy", 2)
    honest = comment(poll, 2, "Marked by one real reader")
    for n in range(10, 16):
        vote(poll, "military", n)
        mark(poll, boosted, n)
    vote(poll, "military", 3)
    mark(poll, honest, 3)
    burst = [voter(n) for n in range(10, 16)]

    def set_burst(status):
        db.session.execute(db.update(Vote).where(Vote.voter_id.in_(burst)).values(status=status))
        db.session.flush()

    def valued():
        view = debate_view(poll, None, TODAY, sort=SORT_VALUED, side="diplomacy")
        return [t.comment.body for t in view.threads]

    assert mark_counts(poll.id, [boosted.id])[boosted.id].marks == 6
    assert valued()[0] == "Boosted by a burst"
    set_burst(VOTE_VOID)
    assert boosted.id not in mark_counts(poll.id, [boosted.id, honest.id])
    assert valued()[0] == "Marked by one real reader"
    with pytest.raises(DebateRequestError, match="Vote in the poll first"):
        toggle_mark(poll, honest.id, voter(10), utcnow())
    set_burst(VOTE_COUNTED)
    assert mark_counts(poll.id, [boosted.id])[boosted.id].marks == 6


# Through the debate page ---------------------------------------------------------------


def marks_of(app, comment_id: int) -> int:
    with app.app_context():
        return db.session.execute(
            db.select(db.func.count()).select_from(CommentMark).where(CommentMark.comment_id == comment_id)
        ).scalar()


def test_marking_toggles_and_shows_the_count(app, article):
    target = say(reader(app, token(1)), article, "Sanctions and talks together.")
    marker = reader(app, token(2))
    marker.post(f"/polls/{article}/vote", data={"choice": "military"})
    page = marker.get(f"/polls/{article}/debate").get_data(as_text=True)
    assert 'aria-pressed="false">Good point' in page
    response = marker.post(f"/polls/{article}/comments/{target}/mark", data={"sort": "valued", "shown": "40"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#comment-{target}")
    assert "sort=valued" in response.headers["Location"] and "shown=40" in response.headers["Location"]
    assert marks_of(app, target) == 1
    page = marker.get(f"/polls/{article}/debate").get_data(as_text=True)
    assert 'aria-pressed="true">Good point' in page and "1 good point" in page
    marker.post(f"/polls/{article}/comments/{target}/mark")
    assert marks_of(app, target) == 0


def test_marks_count_across_sides_on_the_page(app, article):
    author = reader(app, token(1))
    author.post(f"/polls/{article}/vote", data={"choice": "military"})
    target = say(author, article, "Deterrence and a hotline.")
    for n, choice in ((2, "military"), (3, "diplomacy")):
        client = reader(app, token(n))
        client.post(f"/polls/{article}/vote", data={"choice": choice})
        client.post(f"/polls/{article}/comments/{target}/mark")
    page = app.test_client().get(f"/polls/{article}/debate").get_data(as_text=True)
    assert "2 good points, 1 from voters of another side" in page


def test_own_comments_and_non_voters_cannot_mark(app, article):
    author = reader(app, token(1))
    author.post(f"/polls/{article}/vote", data={"choice": "military"})
    target = say(author, article, "My own point.")
    response = author.post(f"/polls/{article}/comments/{target}/mark")
    assert response.status_code == 403 and "your own comment" in response.get_data(as_text=True)
    assert 'aria-pressed="false">Good point' not in author.get(f"/polls/{article}/debate").get_data(
        as_text=True
    )
    stranger = app.test_client()
    response = stranger.post(f"/polls/{article}/comments/{target}/mark")
    assert response.status_code == 403 and "Vote in the poll first" in response.get_data(as_text=True)
    assert marks_of(app, target) == 0


def test_fifty_voters_marking_at_once_give_exactly_fifty(app, article):
    target = say(reader(app, token(999)), article, "One comment, fifty marks.")
    with app.app_context():
        poll = poll_by_slug(article)
        for n in range(50):
            cast_vote(poll, poll.choice_by_key("diplomacy"), voter_id_for(token(n)), utcnow())
        db.session.commit()
    start = threading.Barrier(50)

    def mark(n: int) -> bool:
        with app.app_context():
            start.wait(timeout=30)
            marked = toggle_mark(poll_by_slug(article), target, voter_id_for(token(n)), utcnow())
            db.session.commit()
            return marked

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(mark, range(50)))
    assert results == [True] * 50
    assert marks_of(app, target) == 50


def test_the_same_voter_marking_twice_at_once_is_never_counted_twice(app, article):
    target = say(reader(app, token(999)), article, "Double click.")
    with app.app_context():
        poll = poll_by_slug(article)
        cast_vote(poll, poll.choice_by_key("military"), voter_id_for(token(1)), utcnow())
        db.session.commit()
    start = threading.Barrier(10)

    def mark(_):
        with app.app_context():
            start.wait(timeout=30)
            toggle_mark(poll_by_slug(article), target, voter_id_for(token(1)), utcnow())
            db.session.commit()

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(mark, range(10)))
    assert marks_of(app, target) in (0, 1)


class TestMarkLimit:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "MARK_LIMIT_PER_VOTER": "3 per minute"}

    def test_marks_are_rate_limited_per_voter(self, app, article):
        target = say(reader(app, token(1)), article, "Click me a lot.")
        marker = reader(app, token(2))
        marker.post(f"/polls/{article}/vote", data={"choice": "military"})
        statuses = [marker.post(f"/polls/{article}/comments/{target}/mark").status_code for _ in range(4)]
        assert statuses == [302, 302, 302, 429]
        assert marks_of(app, target) == 1
        other = reader(app, token(3))
        other.post(f"/polls/{article}/vote", data={"choice": "military"})
        assert other.post(f"/polls/{article}/comments/{target}/mark").status_code == 302

    def test_a_refused_mark_issues_no_voter_cookie(self, app, article):
        """#27 item 16: the limit's key no longer makes a voter of a browser that may not mark."""
        target = say(reader(app, token(1)), article, "Mark me.")
        stranger = app.test_client()
        response = stranger.post(f"/polls/{article}/comments/{target}/mark")
        assert response.status_code == 403
        assert not any(header.startswith("voter=") for header in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("field", ["back", "shown"])
def test_a_number_that_only_looks_like_digits_sends_the_reader_back_safely(app, article, field):
    """'²'.isdigit() is true but int('²') fails: the mark is kept and the reader returns to the debate."""
    target = say(reader(app, token(1)), article, "Mark me.")
    marker = reader(app, token(2))
    marker.post(f"/polls/{article}/vote", data={"choice": "military"})
    response = marker.post(f"/polls/{article}/comments/{target}/mark", data={field: "²"})
    assert response.status_code == 302 and f"/polls/{article}/debate" in response.headers["Location"]
    assert marks_of(app, target) == 1

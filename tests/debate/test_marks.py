"""Good-point marks: counted across the sides, only while a vote counts, one per voter, and refused
where they do not belong."""

import pytest

from poll.database.column_types import utcnow
from poll.database.models import COMMENT_PENDING, CommentMark
from poll.debate.comments import CommentsClosedError, DebateRequestError
from poll.debate.marks import mark_counts, toggle_mark
from poll.debate.reading import SORT_VALUED, debate_view
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from tests.debate.building import TODAY, comment, mark, vote, voter


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

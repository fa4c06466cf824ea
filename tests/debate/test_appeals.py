"""The author's view of their comments and their one appeal, without HTTP."""

from types import SimpleNamespace

import pytest

from poll.database.column_types import utcnow
from poll.database.models import (
    COMMENT_APPROVED,
    COMMENT_FLAGGED,
    COMMENT_PENDING,
    COMMENT_REJECTED,
    FLAG_APPEAL,
    AuditEntry,
    Comment,
)
from poll.debate import appeals
from poll.debate.appeals import (
    ALREADY_APPEALED,
    APPEAL_ACTION,
    AUTHOR_ACTOR,
    NOT_REJECTED,
    NOT_YOURS,
    AppealError,
    UnpublishedCounts,
    appeal_rejection,
    my_comments,
    unpublished_counts,
)
from poll.debate.comments import CommentsClosedError
from poll.extensions import db
from poll.polls.finding import poll_by_slug

AUTHOR = "a" * 32
SOMEONE_ELSE = "b" * 32


@pytest.fixture
def rejected(app, make_comment):
    """A comment by AUTHOR that a moderator rejected with a reason."""
    comment_id = make_comment("Bomb them all, every last one.", voter=AUTHOR)
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        comment.status = COMMENT_REJECTED
        comment.decision_reason = "Calls for violence against people."
        db.session.commit()
    return comment_id


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def test_author_sees_each_of_their_comments_with_its_state(app, debate_poll, make_comment):
    ids = {
        status: make_comment(f"Talks, take {status}.", voter=AUTHOR, status=status)
        for status in (COMMENT_PENDING, COMMENT_APPROVED, COMMENT_REJECTED, COMMENT_FLAGGED)
    }
    make_comment("Someone else's talks.", voter=SOMEONE_ELSE)
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        states = {view.comment.id: view.state for view in my_comments(poll, AUTHOR)}
        assert my_comments(poll, None) == []
        can_appeal = [view.comment.id for view in my_comments(poll, AUTHOR) if view.can_appeal]
    assert states == {
        ids[COMMENT_PENDING]: "pending",
        ids[COMMENT_APPROVED]: "published",
        ids[COMMENT_REJECTED]: "rejected",
        ids[COMMENT_FLAGGED]: "pending",
    }
    assert can_appeal == [ids[COMMENT_REJECTED]]


def test_appeal_puts_the_comment_back_in_the_queue_marked_and_audited(app, debate_poll, rejected):
    now = utcnow()
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        appeal_rejection(poll, rejected, AUTHOR, "It is a quote from the article.", now)
        db.session.commit()
    with app.app_context():
        comment = db.session.get(Comment, rejected)
        assert comment.status == COMMENT_PENDING
        assert comment.appeal_note == "It is a quote from the article."
        assert comment.appealed_at == now
        assert FLAG_APPEAL in comment.flag_names
        # The moderator's reason stays: the next moderator sees why it was rejected.
        assert comment.decision_reason == "Calls for violence against people."
        entry = db.session.execute(db.select(AuditEntry).filter_by(action=APPEAL_ACTION)).scalar_one()
        assert entry.actor == AUTHOR_ACTOR and entry.moderator_id is None
        assert entry.target_id == str(rejected) and entry.poll_id == comment.poll_id
        assert entry.before == {
            "status": "rejected",
            "rejection reason": "Calls for violence against people.",
        }
        assert entry.after == {"status": "pending", "flag": FLAG_APPEAL}
        assert entry.reason == "It is a quote from the article."
        [view] = my_comments(poll_by_slug(debate_poll), AUTHOR)
        assert view.appealed and not view.can_appeal and view.state == "pending"


def appeal_error(app, slug, comment_id, voter_id) -> AppealError:
    with app.app_context():
        with pytest.raises(AppealError) as raised:
            appeal_rejection(poll_by_slug(slug), comment_id, voter_id, "Please look again.", utcnow())
        db.session.rollback()
    return raised.value


@pytest.mark.parametrize(
    "voter_id, comment_offset",
    [(SOMEONE_ELSE, 0), (None, 0), (AUTHOR, 4242), (AUTHOR, -(10**6)), (AUTHOR, 2**63)],
    ids=["someone-else", "no-cookie", "unknown-id", "negative-id", "huge-id"],
)
def test_only_the_author_can_appeal_and_only_an_existing_comment(
    app, debate_poll, rejected, voter_id, comment_offset
):
    error = appeal_error(app, debate_poll, rejected + comment_offset, voter_id)
    assert (error.status, error.message) == (404, NOT_YOURS)
    assert audit_actions(app) == []
    with app.app_context():
        assert db.session.get(Comment, rejected).status == COMMENT_REJECTED


def test_a_comment_on_another_poll_is_not_found_here(app, debate_poll, make_poll, make_comment):
    other = make_poll(slug="other-poll")
    comment_id = make_comment("Talks elsewhere.", slug=other, voter=AUTHOR, status=COMMENT_REJECTED)
    assert appeal_error(app, debate_poll, comment_id, AUTHOR).status == 404


@pytest.mark.parametrize("status", [COMMENT_PENDING, COMMENT_APPROVED, COMMENT_FLAGGED])
def test_only_a_rejected_comment_can_be_appealed(app, debate_poll, make_comment, status):
    comment_id = make_comment("Talks.", voter=AUTHOR, status=status)
    error = appeal_error(app, debate_poll, comment_id, AUTHOR)
    assert (error.status, error.message) == (409, NOT_REJECTED)
    assert audit_actions(app) == []


def test_a_second_appeal_is_refused_even_after_a_second_rejection(app, debate_poll, rejected):
    with app.app_context():
        appeal_rejection(poll_by_slug(debate_poll), rejected, AUTHOR, "First try.", utcnow())
        db.session.commit()
    assert appeal_error(app, debate_poll, rejected, AUTHOR).message == ALREADY_APPEALED
    with app.app_context():
        comment = db.session.get(Comment, rejected)
        comment.status = COMMENT_REJECTED  # a moderator decided again
        db.session.commit()
    error = appeal_error(app, debate_poll, rejected, AUTHOR)
    assert (error.status, error.message) == (409, ALREADY_APPEALED)
    with app.app_context():
        comment = db.session.get(Comment, rejected)
        assert comment.status == COMMENT_REJECTED and comment.appeal_note == "First try."
    assert audit_actions(app) == [APPEAL_ACTION]


def test_an_appeal_that_lost_a_race_changes_nothing(app, debate_poll, rejected, monkeypatch):
    """Two appeals checked at once: the conditional update lets only one through."""
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        stale = SimpleNamespace(
            id=rejected, poll_id=poll.id, status=COMMENT_REJECTED, appealed_at=None, decision_reason=""
        )
        # The other request's appeal is stored after this one read the comment.
        appeal_rejection(poll, rejected, AUTHOR, "The other one.", utcnow())
        monkeypatch.setattr(appeals, "authors_comment", lambda *args: stale)
        with pytest.raises(AppealError) as raised:
            appeal_rejection(poll, rejected, AUTHOR, "This one.", utcnow())
        assert raised.value.message == ALREADY_APPEALED
        db.session.commit()
    with app.app_context():
        assert db.session.get(Comment, rejected).appeal_note == "The other one."
    assert audit_actions(app) == [APPEAL_ACTION]


def test_a_closed_polls_rejection_stands_and_nothing_is_audited(app, rejected):
    with app.app_context():
        comment = db.session.get(Comment, rejected)
        comment.poll.closes_at = utcnow()
        db.session.commit()
        with pytest.raises(CommentsClosedError, match="cannot be appealed"):
            appeal_rejection(comment.poll, rejected, AUTHOR, "Please look again.", utcnow())
        db.session.rollback()
        assert db.session.get(Comment, rejected).status == COMMENT_REJECTED
    assert APPEAL_ACTION not in audit_actions(app)


def test_unpublished_counts_tell_rejected_and_waiting_apart_as_the_list_does(app, debate_poll, make_comment):
    for status in (COMMENT_PENDING, COMMENT_FLAGGED, COMMENT_REJECTED, COMMENT_APPROVED, COMMENT_REJECTED):
        make_comment(f"Talks, take {status}.", voter=AUTHOR, status=status)
    make_comment("Someone else's, rejected.", voter=SOMEONE_ELSE, status=COMMENT_REJECTED)
    with app.app_context():
        counts = unpublished_counts(debate_poll, AUTHOR)
        listed = [view.state for view in my_comments(poll_by_slug(debate_poll), AUTHOR)]
        assert counts == UnpublishedCounts(rejected=listed.count("rejected"), pending=listed.count("pending"))
        assert counts == UnpublishedCounts(rejected=2, pending=2)
        assert not unpublished_counts(debate_poll, None)
        assert not unpublished_counts("no-such-poll", AUTHOR)
        assert unpublished_counts(debate_poll, SOMEONE_ELSE) == UnpublishedCounts(rejected=1)

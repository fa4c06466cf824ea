"""The author's view of their comments and their one appeal, without HTTP."""

from datetime import timedelta
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
    Moderator,
)
from poll.debate import appeals, moderation
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
from tests.helpers import comments_of, my_section, post, voter_id_of

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


# Through the debate page ---------------------------------------------------------------


def reject_as_moderator(app, comment_id: int, reason: str) -> None:
    with app.app_context():
        moderator = db.session.execute(db.select(Moderator).filter_by(username="mo")).scalar_one()
        moderation.reject(db.session.get(Comment, comment_id), moderator, utcnow(), reason)
        db.session.commit()


def appeals_logged(app) -> int:
    with app.app_context():
        query = db.select(db.func.count()).select_from(AuditEntry).filter_by(action="comment.appeal")
        return db.session.scalar(query)


def my_item(page: str, comment_id: int) -> str:
    """One comment in the author's list."""
    return my_section(page).split(f'id="my-comment-{comment_id}"')[1].split('<li class="my-comment')[0]


@pytest.fixture
def three_of_mine(app, client, debate_poll, accounts):
    """The author's published comment, one rejected with a reason, one rejected without."""
    for body in ("Talks published.", "Strikes rejected with a reason.", "Talks rejected without one."):
        assert post(client, debate_poll, body).status_code == 302
    published, with_reason, without = (c.id for c in comments_of(app))
    with app.app_context():
        db.session.get(Comment, published).status = "approved"
        db.session.commit()
    reject_as_moderator(app, with_reason, "Personal attack <on> a reader")
    with app.app_context():
        db.session.get(Comment, without).status = "rejected"
        db.session.commit()
    return published, with_reason, without


def test_the_author_sees_each_comment_with_its_status_and_the_reason(app, client, debate_poll, three_of_mine):
    published, with_reason, without = three_of_mine
    page = client.get(f"/polls/{debate_poll}/debate").get_data(as_text=True)
    items = {cid: my_item(page, cid) for cid in three_of_mine}
    assert "Published" in items[published] and "appeal" not in items[published]
    assert "Rejected" in items[with_reason] and "Personal attack &lt;on&gt; a reader" in items[with_reason]
    assert "Rejected" in items[without] and "No reason given" in items[without]
    assert all(f"/comments/{cid}/appeal" in items[cid] for cid in (with_reason, without))
    stranger = app.test_client().get(f"/polls/{debate_poll}/debate").get_data(as_text=True)
    assert 'id="awaiting-review"' not in stranger and "Personal attack" not in stranger
    assert "rejected without one" not in stranger


def test_the_author_appeals_a_rejection_once(app, client, debate_poll, three_of_mine, moderator_client):
    _, with_reason, _ = three_of_mine
    url = f"/polls/{debate_poll}/comments/{with_reason}/appeal"
    response = client.post(url, data={"note": "  I quoted the article, not a reader.  "})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/debate#my-comment-{with_reason}")
    with app.app_context():
        comment = db.session.get(Comment, with_reason)
        assert comment.status == "pending" and FLAG_APPEAL in comment.flag_names
        assert comment.appeal_note == "I quoted the article, not a reader."
        logged = db.session.execute(
            db.select(AuditEntry.action, AuditEntry.reason).where(AuditEntry.target_id == str(with_reason))
        ).all()
    assert logged == [
        ("comment.reject", "Personal attack <on> a reader"),
        ("comment.appeal", "I quoted the article, not a reader."),
    ]
    item = my_item(client.get(f"/polls/{debate_poll}/debate").get_data(as_text=True), with_reason)
    assert "Appeal awaiting review" in item and "I quoted the article" in item and "<form" not in item
    queue = moderator_client.get("/admin/", query_string={"flag": FLAG_APPEAL}).get_data(as_text=True)
    assert "Strikes rejected with a reason." in queue

    second = client.post(url, data={"note": "Once more."})
    assert second.status_code == 409 and "appealed" in second.get_data(as_text=True)
    reject_as_moderator(app, with_reason, "Still an attack.")
    third = client.post(url, data={"note": "And again."})
    assert third.status_code == 409
    with app.app_context():
        comment = db.session.get(Comment, with_reason)
        assert comment.status == "rejected" and comment.appeal_note == "I quoted the article, not a reader."


@pytest.mark.parametrize(
    "note, message",
    [
        ("", "Please say in a few words"),
        ("   \n ", "Please say in a few words"),
        ("n" * 501, "500 characters or fewer"),
        (["one", "two"], "only once"),
        ("Bell \x07", "control characters"),
    ],
    ids=["empty", "whitespace", "too-long", "repeated", "control"],
)
def test_a_bad_appeal_note_is_refused_beside_the_field_and_kept(
    app, client, debate_poll, three_of_mine, note, message
):
    _, with_reason, _ = three_of_mine
    response = client.post(f"/polls/{debate_poll}/comments/{with_reason}/appeal", data={"note": note})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    item = my_item(page, with_reason)
    assert message in item and f'id="appeal-note-{with_reason}-errors"' in item
    if note == "n" * 501:
        assert "n" * 501 in item and "it has 501, 1 too many" in item
    assert "maxlength" not in item and 'data-limit="500"' in item  # nothing a paste could lose
    with app.app_context():
        comment = db.session.get(Comment, with_reason)
        assert comment.status == "rejected" and comment.appealed_at is None and comment.appeal_note == ""
        assert appeals_logged(app) == 0


def test_appeals_only_for_the_authors_own_rejected_comment(app, client, debate_poll, three_of_mine):
    published, with_reason, _ = three_of_mine

    def appeal(who, comment_id):
        return who.post(f"/polls/{debate_poll}/comments/{comment_id}/appeal", data={"note": "Please."})

    stranger = app.test_client()
    voter_id_of(app, stranger, debate_poll)
    assert appeal(stranger, with_reason).status_code == 404  # someone else's comment
    assert appeal(app.test_client(), with_reason).status_code == 404  # no cookie at all
    assert appeal(client, 4242).status_code == 404  # forged id
    assert appeal(client, 2**64).status_code == 404
    assert client.post(f"/polls/{debate_poll}/comments/abc/appeal", data={"note": "x"}).status_code == 404
    assert client.post(f"/polls/nope/comments/{with_reason}/appeal", data={"note": "x"}).status_code == 404
    assert appeal(client, published).status_code == 409  # not rejected
    assert client.get(f"/polls/{debate_poll}/comments/{with_reason}/appeal").status_code == 405
    with app.app_context():
        assert db.session.get(Comment, with_reason).appealed_at is None
        assert db.session.get(Comment, published).status == "approved"
    assert appeals_logged(app) == 0


def test_a_closed_polls_comments_cannot_be_appealed(app, client, debate_poll, three_of_mine):
    _, with_reason, _ = three_of_mine
    with app.app_context():
        poll_by_slug(debate_poll).closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    response = client.post(f"/polls/{debate_poll}/comments/{with_reason}/appeal", data={"note": "Please."})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Comment, with_reason).appealed_at is None

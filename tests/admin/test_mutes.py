"""Muting a comment's author from the queue, the list of mutes, lifting one."""

from datetime import timedelta

import pytest

from poll.database.column_types import utcnow
from poll.database.models import AuditEntry, Comment, VoterMute
from poll.debate.mutes import active_mute
from poll.extensions import db


def mutes_stored(app) -> list[VoterMute]:
    with app.app_context():
        rows = db.session.execute(db.select(VoterMute).order_by(VoterMute.id)).scalars().all()
        db.session.expunge_all()
        return rows


def voter_of(app, comment_id) -> str:
    with app.app_context():
        return db.session.get(Comment, comment_id).voter_id


def test_mute_from_the_queue_lists_and_lifts(app, moderator_client, make_comment):
    comment_id = make_comment("You are all fools.")
    queue = moderator_client.get("/admin/").get_data(as_text=True)
    assert f"/admin/comments/{comment_id}/mute?next=" in queue
    form = moderator_client.get(f"/admin/comments/{comment_id}/mute?next=/admin/?status=any")
    assert form.status_code == 200 and "You are all fools." in form.get_data(as_text=True)
    response = moderator_client.post(
        f"/admin/comments/{comment_id}/mute",
        data={"reason": "Insults readers", "duration": "7d", "next": "/admin/?status=any"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/?status=any#queue-{comment_id}"
    [row] = mutes_stored(app)
    assert row.voter_id == voter_of(app, comment_id) and row.reason == "Insults readers"
    assert timedelta(days=6, hours=23) < row.expires_at - utcnow() <= timedelta(days=7)
    with app.app_context():
        assert active_mute(row.voter_id, utcnow()).id == row.id
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="voter.mute")).scalar_one()
        assert entry.actor == "mo" and entry.reason == "Insults readers"
    listing = moderator_client.get("/admin/mutes").get_data(as_text=True)
    assert "Insults readers" in listing and row.voter_id[:10] in listing and row.voter_id not in listing
    assert moderator_client.post(f"/admin/mutes/{row.id}/lift").status_code == 302
    assert mutes_stored(app)[0].lifted_at is not None
    assert "No voter is muted." in moderator_client.get("/admin/mutes").get_data(as_text=True)
    assert moderator_client.post(f"/admin/mutes/{row.id}/lift").status_code == 404
    with app.app_context():
        assert db.session.execute(db.select(AuditEntry).filter_by(action="voter.unmute")).scalar_one()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"duration": "1d"}, "Please say why this voter is muted."),
        ({"reason": "   ", "duration": "1d"}, "Please say why this voter is muted."),
        ({"reason": "x" * 501, "duration": "1d"}, "500 characters"),
        ({"reason": "Spam", "duration": "forever"}, "Not a valid choice"),
        ({"reason": "Spam", "duration": ""}, "Not a valid choice"),
        ({"reason": "Spam", "duration": ["1d", "30d"]}, "only once"),
        ({"reason": "Spam\x07", "duration": "1d"}, "control characters"),
    ],
)
def test_bad_mute_input_is_refused_keeps_the_text_and_stores_nothing(
    app, moderator_client, make_comment, data, message
):
    comment_id = make_comment()
    response = moderator_client.post(f"/admin/comments/{comment_id}/mute", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    if data.get("reason") == "Spam":
        assert 'value="Spam"' in page
    assert mutes_stored(app) == []


def test_muting_twice_says_until_when(app, moderator_client, make_comment):
    comment_id = make_comment()
    moderator_client.post(f"/admin/comments/{comment_id}/mute", data={"reason": "Spam", "duration": "1d"})
    again = moderator_client.post(
        f"/admin/comments/{comment_id}/mute", data={"reason": "More", "duration": "30d"}
    )
    assert again.status_code == 409 and "already muted until" in again.get_data(as_text=True)
    assert len(mutes_stored(app)) == 1


def test_mute_routes_for_missing_things_are_404(moderator_client):
    assert moderator_client.get("/admin/comments/4242/mute").status_code == 404
    assert (
        moderator_client.post("/admin/comments/4242/mute", data={"reason": "x", "duration": "1d"}).status_code
        == 404
    )
    assert moderator_client.post("/admin/mutes/4242/lift").status_code == 404


def test_an_outside_next_is_not_followed(app, moderator_client, make_comment):
    comment_id = make_comment()
    response = moderator_client.post(
        f"/admin/comments/{comment_id}/mute",
        data={"reason": "Spam", "duration": "1d", "next": "//evil.example/"},
    )
    assert response.headers["Location"] == f"/admin/#queue-{comment_id}"


def test_the_mute_page_shows_the_authors_other_comments_here_and_earlier_mutes(
    app, moderator_client, make_comment, make_poll
):
    from poll.database.models import CommentFlag

    make_poll("elsewhere")
    author = "a" * 32
    target = make_comment("You are all fools.", voter=author)
    rejected = make_comment("Idiots, the lot of you.", voter=author, status="rejected")
    pending = make_comment("Still fools.", voter=author)
    make_comment("Not in this poll.", voter=author, slug="elsewhere")
    make_comment("Someone else entirely.", voter="b" * 32)
    with app.app_context():
        db.session.add(CommentFlag(comment_id=rejected, flag="second_look"))
        db.session.commit()
    first = moderator_client.post(
        f"/admin/comments/{target}/mute", data={"reason": "Insults", "duration": "1d"}
    )
    assert first.status_code == 302
    [earlier] = mutes_stored(app)
    moderator_client.post(f"/admin/mutes/{earlier.id}/lift")

    for page in (
        moderator_client.get(f"/admin/comments/{target}/mute"),
        moderator_client.post(f"/admin/comments/{target}/mute", data={"duration": "1d"}),  # refused: 400
    ):
        html = page.get_data(as_text=True)
        record = html[html.index('class="author-record"') : html.index('class="mute-layout__form"')]
        assert "2 other comments: 1 pending, 1 rejected." in record
        assert "Flags: " in record and "second look ×1" in record
        assert (
            f'href="/admin/?comment={rejected}"' in record and f'href="/admin/?comment={pending}"' in record
        )
        assert f'href="/admin/?comment={target}"' not in record
        assert "Not in this poll." not in record and "Someone else entirely." not in record
        assert "<q>Insults</q>" in record and "by mo" in record and "Lifted" in record
    assert page.status_code == 400


def test_a_first_comment_and_a_voter_never_muted_say_so(moderator_client, make_comment):
    html = moderator_client.get(f"/admin/comments/{make_comment()}/mute").get_data(as_text=True)
    assert "None: this is their only comment here." in html and "Never muted before." in html

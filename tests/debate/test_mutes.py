"""Muting voters: made with a reason and an end, in force until then or until lifted, audited."""

from datetime import timedelta

import pytest

from poll.accounts import moderators
from poll.database.column_types import utcnow
from poll.database.models import AuditEntry, Moderator, VoterMute
from poll.debate import mutes
from poll.debate.mutes import MuteError
from poll.extensions import db
from tests.helpers import comments_of, post, textarea_holds, voter_id_of

VOTER = "a" * 64
OTHER = "b" * 64


@pytest.fixture
def ctx(app):
    with app.app_context():
        moderators.add("mo", "correct horse battery staple", "moderator", utcnow())
        db.session.commit()
        yield db.session.execute(db.select(Moderator)).scalar_one()


def test_a_mute_is_in_force_until_it_expires(ctx):
    now = utcnow()
    row = mutes.mute(VOTER, "Insults other readers", now + timedelta(days=1), ctx, now)
    db.session.commit()
    assert mutes.active_mute(VOTER, now + timedelta(hours=23)).id == row.id
    assert mutes.active_mute(VOTER, now + timedelta(days=1)) is None
    assert mutes.active_mute(OTHER, now) is None
    assert [m.id for m in mutes.active_mutes(now)] == [row.id]
    assert mutes.active_mutes(now + timedelta(days=2)) == []
    entry = db.session.execute(db.select(AuditEntry).filter_by(target_type="voter_mute")).scalar_one()
    assert (entry.action, entry.actor, entry.target_id, entry.reason) == (
        "voter.mute",
        "mo",
        str(row.id),
        "Insults other readers",
    )
    assert entry.after["voter"] == VOTER[:10]


def test_lifting_ends_it_at_once_and_is_audited(ctx):
    now = utcnow()
    row = mutes.mute(VOTER, "Spam", now + timedelta(days=7), ctx, now)
    mutes.lift(row.id, ctx, now + timedelta(hours=1))
    db.session.commit()
    assert mutes.active_mute(VOTER, now + timedelta(hours=2)) is None
    assert row.lifted_by.username == "mo"
    actions = (
        db.session.execute(
            db.select(AuditEntry.action).filter_by(target_type="voter_mute").order_by(AuditEntry.id)
        )
        .scalars()
        .all()
    )
    assert actions == ["voter.mute", "voter.unmute"]
    with pytest.raises(MuteError, match="not active"):
        mutes.lift(row.id, ctx, now + timedelta(hours=3))
    with pytest.raises(MuteError, match="not active"):
        mutes.lift(4242, ctx, now)


@pytest.mark.parametrize(
    "voter, reason, hours, message",
    [
        (VOTER, "", 24, "say why"),
        (VOTER, "   ", 24, "say why"),
        (VOTER, "x" * 501, 24, "500 characters"),
        (VOTER, "Spam", 0, "in the future"),
        (VOTER, "Spam", -5, "in the future"),
        ("", "Spam", 24, "no voter"),
    ],
)
def test_bad_mutes_are_refused_and_store_nothing(ctx, voter, reason, hours, message):
    now = utcnow()
    with pytest.raises(MuteError, match=message):
        mutes.mute(voter, reason, now + timedelta(hours=hours), ctx, now)
    db.session.rollback()
    assert mutes.active_mutes(now - timedelta(days=1)) == []
    assert db.session.execute(db.select(AuditEntry).filter_by(target_type="voter_mute")).first() is None


def test_a_voter_already_muted_is_not_muted_twice(ctx):
    now = utcnow()
    mutes.mute(VOTER, "Spam", now + timedelta(days=1), ctx, now)
    with pytest.raises(MuteError, match="already muted"):
        mutes.mute(VOTER, "More spam", now + timedelta(days=30), ctx, now)
    assert len(mutes.active_mutes(now)) == 1


# At the debate's form ------------------------------------------------------------------


def test_a_muted_voter_is_refused_beside_the_form_with_the_text_kept(app, client, open_debate):
    voter_id = voter_id_of(app, client, open_debate)
    until = utcnow() + timedelta(days=1)
    with app.app_context():
        db.session.add(VoterMute(voter_id=voter_id, reason="Insults.", expires_at=until))
        db.session.commit()
    response = post(client, open_debate, "Talks <please>.")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    form = page.split('id="comment-form"')[1].split("</form>")[0]
    assert f"until {until:%-d %B %Y, %H:%M} UTC" in form and textarea_holds(form, "Talks <please>.")
    assert comments_of(app) == []
    assert post(app.test_client(), open_debate, "Someone else is not muted.").status_code == 302
    with app.app_context():
        db.session.execute(db.update(VoterMute).values(lifted_at=utcnow()))
        db.session.commit()
    assert post(client, open_debate, "Talks again.").status_code == 302


def test_a_muted_voter_reads_the_mute_on_the_form_before_typing(app, client, open_debate):
    voter_id = voter_id_of(app, client, open_debate)
    form_before = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert "paused comments from this browser" not in form_before
    until = utcnow() + timedelta(days=1)
    with app.app_context():
        db.session.add(VoterMute(voter_id=voter_id, reason="Insults.", expires_at=until))
        db.session.commit()
    page = client.get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    form = page.split('id="comment-form"')[1].split("</form>")[0]
    assert "A moderator has paused comments from this browser until" in form
    other = app.test_client().get(f"/polls/{open_debate}/debate").get_data(as_text=True)
    assert "paused comments from this browser" not in other

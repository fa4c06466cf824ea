"""Command-line commands."""

from sqlalchemy import func

from poll.extensions import db
from poll.models import Choice, Poll
from poll.services.polls import DEBATE_POLL_SLUG


def test_seed_creates_the_debate_poll_once(app, runner):
    first = runner.invoke(args=["seed"])
    second = runner.invoke(args=["seed"])
    assert first.exit_code == 0 and "Created poll" in first.output
    assert second.exit_code == 0 and "Already present" in second.output
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(Poll)) == 1
        poll = db.session.execute(db.select(Poll).filter_by(slug=DEBATE_POLL_SLUG)).scalar_one()
        assert poll.is_featured
        assert [c.key for c in poll.choices] == ["military", "diplomacy", "undecided"]
        assert db.session.scalar(db.select(func.count()).select_from(Choice)) == 3

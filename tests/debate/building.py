"""A debate built through the real services (votes, comments, marks), for the tests of reading,
sides, marks and the split."""

from datetime import date, timedelta

from poll.database.column_types import utcnow
from poll.debate.comments import post_comment
from poll.debate.marks import toggle_mark
from poll.extensions import db
from poll.polls.voting import cast_vote

TODAY = date(2026, 12, 2)


def voter(n: int) -> str:
    return f"{n:032d}"


def vote(poll, key, n):
    cast_vote(poll, poll.choice_by_key(key), voter(n), utcnow())


def comment(poll, n, body, minutes_ago=0, parent=None, stance=None):
    posted = post_comment(
        poll, voter(n), body, f"Reader {n}", "", utcnow() - timedelta(minutes=minutes_ago), parent
    )
    if stance:
        posted.corrected_stance = stance
    db.session.flush()
    return posted


def mark(poll, posted, n):
    assert toggle_mark(poll, posted.id, voter(n), utcnow()) is True


def set_unsure_neutral(poll):
    poll.choice_by_key("unsure").side = "neutral"
    db.session.flush()

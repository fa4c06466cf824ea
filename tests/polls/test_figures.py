"""Dashboard figures: vote bursts from one address."""

from datetime import timedelta

from poll.database.column_types import utcnow
from poll.database.models import Vote
from poll.extensions import db
from poll.polls.figures import vote_bursts
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote


def cast(poll, key: str, voter: str, address: str | None, when=None):
    cast_vote(poll, poll.choice_by_key(key), voter.ljust(32, "0"), when or utcnow(), address)


def test_bursts_list_addresses_with_many_new_voters_biggest_first(app, debate_poll):
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        for n in range(5):
            cast(poll, "military", f"stuffer{n}", "a" * 32)
        for n in range(3):
            cast(poll, "diplomacy" if n else "military", f"office{n}", "b" * 32)
        for n in range(2):
            cast(poll, "diplomacy", f"home{n}", "c" * 32)
        db.session.commit()

        bursts = vote_bursts(poll, utcnow(), threshold=3)

    assert [(b.address, b.new_voters) for b in bursts] == [("a" * 8, 5), ("b" * 8, 3)]
    assert bursts[0].by_choice == [
        ("A stronger military response", 5),
        ("Diplomatic engagement", 0),
        ("Undecided", 0),
    ]
    assert dict(bursts[1].by_choice)["Diplomatic engagement"] == 2


def test_bursts_ignore_old_votes_votes_without_an_address_and_other_hours(app, debate_poll):
    now = utcnow().replace(minute=30)
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        poll.opens_at = now - timedelta(days=3)
        for n in range(4):
            cast(poll, "military", f"old{n}", "a" * 32, now - timedelta(hours=30))
            cast(poll, "military", f"anon{n}", None, now)
        for n in range(4):
            # two per hour: never three in one hour
            cast(poll, "military", f"slow{n}", "d" * 32, now - timedelta(hours=n // 2))
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(Vote)) == 12

        assert vote_bursts(poll, now, threshold=3) == []


def test_votes_over_time_are_labelled_in_the_newsrooms_time_zone(app, make_poll):
    """Every hour from the first vote to the last has its own label, in local time, empty ones included."""
    from datetime import UTC, datetime

    from poll.extensions import db
    from poll.polls.figures import votes_over_time
    from poll.polls.finding import poll_by_slug
    from poll.polls.voting import cast_vote

    slug = make_poll("timed", opens_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    with app.app_context():
        poll = poll_by_slug(slug)
        for n, hour in enumerate((14, 14, 17)):
            cast_vote(poll, poll.choice_by_key("a"), f"{n:032d}", datetime(2026, 3, 1, hour, 5, tzinfo=UTC))
        db.session.commit()
        now = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
        seoul, bucket = votes_over_time(poll, now, "Asia/Seoul")
        utc, _ = votes_over_time(poll, now, "UTC")
    assert bucket == "hour"
    assert seoul == [("1 Mar 23:00", 2), ("2 Mar 00:00", 0), ("2 Mar 01:00", 0), ("2 Mar 02:00", 1)]
    assert [label for label, _ in utc] == ["1 Mar 14:00", "1 Mar 15:00", "1 Mar 16:00", "1 Mar 17:00"]

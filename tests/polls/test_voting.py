"""Voting rules and tallies, without HTTP."""

from datetime import timedelta

import pytest

from poll.database.column_types import utcnow
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.results import results_snapshot
from poll.polls.voting import PollClosedError, VoteOutcome, cast_vote
from tests.helpers import counted_from_votes, counters


def test_cast_vote_outcomes(app, make_poll):
    slug = make_poll()
    with app.app_context():
        poll = poll_by_slug(slug)
        a, b, _ = poll.choices
        now = utcnow()
        assert cast_vote(poll, a, "v" * 32, now) is VoteOutcome.CREATED
        assert cast_vote(poll, a, "v" * 32, now) is VoteOutcome.UNCHANGED
        assert cast_vote(poll, b, "v" * 32, now) is VoteOutcome.CHANGED
        db.session.commit()
        assert results_snapshot(slug, "v" * 32).my_choice == "b"
        assert results_snapshot(slug, "w" * 32).my_choice is None
        assert results_snapshot(slug, None).my_choice is None
        assert results_snapshot("no-such-poll", None) is None
    assert counters(app, slug) == {"a": 0, "b": 1, "c": 0}


def test_closed_poll_raises_and_writes_nothing(app, make_poll):
    slug = make_poll(closes_at=utcnow() - timedelta(seconds=1))
    with app.app_context():
        poll = poll_by_slug(slug)
        with pytest.raises(PollClosedError):
            cast_vote(poll, poll.choices[0], "v" * 32, utcnow())
    assert counted_from_votes(app, slug) == {"a": 0, "b": 0, "c": 0}


def test_the_closed_error_says_why_in_the_readers_words(app, make_poll):
    closed = make_poll("closed", closes_at=utcnow() - timedelta(seconds=1))
    not_yet = make_poll("not-yet", opens_at=utcnow() + timedelta(days=1))
    with app.app_context():
        with pytest.raises(PollClosedError, match="^This poll has closed, so it cannot take votes.$"):
            cast_vote(poll_by_slug(closed), poll_by_slug(closed).choices[0], "v" * 32, utcnow())
        with pytest.raises(PollClosedError, match="^This poll is not open yet, so it cannot take votes.$"):
            cast_vote(poll_by_slug(not_yet), poll_by_slug(not_yet).choices[0], "v" * 32, utcnow())


def test_choice_from_another_poll_raises(app, make_poll):
    first, second = make_poll("first"), make_poll("second")
    with app.app_context(), pytest.raises(ValueError):
        cast_vote(poll_by_slug(first), poll_by_slug(second).choices[0], "v" * 32, utcnow())


def test_tally_matches_votes_after_many_changes(app, make_poll):
    slug = make_poll()
    with app.app_context():
        poll = poll_by_slug(slug)
        choices = poll.choices
        for step in range(60):
            voter = f"{step % 7:032d}"
            cast_vote(poll, choices[(step * 5) % 3], voter, utcnow())
        db.session.commit()
        result = results_snapshot(slug, None).tally
    assert result.total == 7
    assert {row.key: row.votes for row in result.choices} == counted_from_votes(app, slug)
    assert sum(row.percent for row in result.choices) == 100


def test_every_voting_statement_is_cacheable():
    """A statement without a cache key is compiled again on every vote."""
    from poll.polls import results, voting

    statements = [voting._INSERT_VOTE, voting._FIND_VOTE, voting._MOVE_VOTE, voting._SHIFT_COUNT]
    statements += [voting._BALLOT.statement, results._SNAPSHOT_QUERY]
    assert all(statement._generate_cache_key() is not None for statement in statements)


def test_votes_spread_over_the_choices_slots_and_their_sums_are_the_counts(app, make_poll):
    from poll.database.models import COUNTER_SLOTS, ChoiceVoteSlot

    slug = make_poll()
    with app.app_context():
        poll = poll_by_slug(slug)
        first, second = poll.choices[0], poll.choices[1]
        first_id = first.id
        for number in range(120):
            cast_vote(poll, first, f"{number:032d}", utcnow())
        for number in range(40):  # a third change their minds
            cast_vote(poll, second, f"{number:032d}", utcnow())
        db.session.commit()
        slots = db.session.execute(
            db.select(ChoiceVoteSlot.choice_id, ChoiceVoteSlot.slot, ChoiceVoteSlot.vote_count)
        ).all()
    used = {slot for choice_id, slot, _ in slots if choice_id == first_id}
    assert 1 < len(used) <= COUNTER_SLOTS and all(0 <= slot < COUNTER_SLOTS for slot in used)
    assert counters(app, slug) == counted_from_votes(app, slug) == {"a": 80, "b": 40, "c": 0}


def test_a_ballot_knows_whether_its_voter_has_voted(app, make_poll):
    from poll.polls.voting import ballot, cast_vote

    slug = make_poll()
    with app.test_request_context():
        before = ballot(slug, "voter-1")
        assert [choice.key for choice in before.choices] == ["a", "b", "c"]
        assert not before.has_my_vote and not ballot(slug).has_my_vote
        cast_vote(before, before.choice_by_key("b"), "voter-1", utcnow())
        db.session.commit()
        assert ballot(slug, "voter-1").has_my_vote
        assert not ballot(slug, "voter-2").has_my_vote and not ballot(slug).has_my_vote
        assert ballot("no-such-poll", "voter-1") is None

"""Issue 13, finding 3 (ballot stuffing): new voters from one address are limited apart from vote changes."""

import pytest

from poll.extensions import db
from tests.conftest import create_tables, drop_tables, make_app
from tests.helpers import counters, statuses, vote

OTHER_ADDRESS = "203.0.113.50"


def stored_votes(app, slug) -> int:
    return sum(statuses(app, slug).values())


@pytest.fixture
def limited_app(database_url):
    """Limits on, with the whole-vote limit out of the way: only new voters are counted here."""
    app = make_app(
        database_url,
        RATELIMIT_ENABLED=True,
        VOTE_LIMIT_PER_IP="1000 per day",
        NEW_VOTER_LIMIT_PER_IP="5 per day",
    )
    create_tables(app)
    yield app
    drop_tables(app)


@pytest.fixture
def limited_poll(limited_app):
    from poll.polls.debate_poll import seed_debate_poll

    with limited_app.app_context():
        poll, _ = seed_debate_poll()
        db.session.commit()
        return poll.slug


def test_a_cookie_dropping_script_gets_the_new_voter_limit_then_a_clear_429(limited_app, limited_poll):
    answers = [vote(limited_app.test_client(), limited_poll) for _ in range(8)]
    assert [answer.status_code for answer in answers] == [302] * 5 + [429] * 3
    refused = answers[-1]
    page = refused.get_data(as_text=True)
    assert "too many new voters" in page and "not recorded" in page
    assert "Retry-After" in refused.headers
    assert not any("voter=" in cookie for cookie in refused.headers.getlist("Set-Cookie"))
    assert stored_votes(limited_app, limited_poll) == 5
    assert counters(limited_app, limited_poll)["military"] == 5


def test_vote_changes_by_existing_voters_are_not_limited_by_it(limited_app, limited_poll):
    voters = [limited_app.test_client() for _ in range(5)]
    assert [vote(voter, limited_poll).status_code for voter in voters] == [302] * 5
    assert vote(limited_app.test_client(), limited_poll).status_code == 429
    for choice in ("diplomacy", "undecided", "diplomacy"):
        assert [vote(voter, limited_poll, choice).status_code for voter in voters] == [302] * 5
    assert counters(limited_app, limited_poll) == {"military": 0, "diplomacy": 5, "undecided": 0}
    assert stored_votes(limited_app, limited_poll) == 5


def test_a_vote_reads_its_poll_once_though_the_limit_asks_first(limited_app, limited_poll, monkeypatch):
    """The new-voter limit's question (has this browser voted here?) and the vote share one read."""
    from poll.polls import vote_taking as view_helpers

    reads = []
    real_ballot = view_helpers.ballot
    monkeypatch.setattr(view_helpers, "ballot", lambda *args: reads.append(args) or real_ballot(*args))
    voter = limited_app.test_client()
    assert vote(voter, limited_poll).status_code == 302
    assert vote(voter, limited_poll, "diplomacy").status_code == 302
    assert len(reads) == 2
    assert reads[0][1] is None and reads[1][1] is not None  # no voter id yet, then the cookie's


def test_other_addresses_and_other_polls_keep_their_own_allowance(limited_app, limited_poll):
    for _ in range(5):
        vote(limited_app.test_client(), limited_poll)
    assert vote(limited_app.test_client(), limited_poll, address=OTHER_ADDRESS).status_code == 302


def test_a_cookie_from_one_poll_is_still_a_new_voter_in_another(limited_app, limited_poll):
    """Cookies harvested elsewhere (another poll, a comment) do not pass as vote changes."""
    from poll.polls.editing import create_poll

    with limited_app.app_context():
        create_poll(slug="other", title="Other", question="?", choices=[("a", "A"), ("b", "B")])
        db.session.commit()
    harvested = [limited_app.test_client() for _ in range(5)]
    for client in harvested:
        assert client.post("/polls/other/vote", data={"choice": "a"}).status_code == 302
    assert [vote(client, limited_poll).status_code for client in harvested] == [302] * 5
    assert vote(limited_app.test_client(), limited_poll).status_code == 429


def test_addresses_in_one_ipv6_64_share_an_allowance(limited_app, limited_poll):
    """A host is handed a whole /64: rotating within it is not a new household."""
    answers = [
        vote(limited_app.test_client(), limited_poll, address=f"2001:db8:0:7::{n:x}").status_code
        for n in range(1, 8)
    ]
    assert answers == [302] * 5 + [429] * 2
    assert vote(limited_app.test_client(), limited_poll, address="2001:db8:0:8::1").status_code == 302


def test_the_default_allowance_is_generous_and_documented(app):
    assert app.config["NEW_VOTER_LIMIT_PER_IP"] == "60 per hour;300 per day"

"""Issue 13, finding 3 (ballot stuffing): a moderator voids a burst and restores it, the tallies kept exact."""

import csv
import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func

from poll.database.models import VOTE_COUNTED, VOTE_VOID, AuditEntry, Choice, Poll, Vote, VoteVoid
from poll.debate.moderation import REASON_MAX_LENGTH
from poll.extensions import db
from tests.conftest import PASSWORD, create_tables, csrf_token_from, drop_tables, login, make_app
from tests.helpers import BURST_ADDRESS, counters, statuses, vote

BURST_FIELD = re.compile(r'name="burst" type="hidden" value="([^"]+)"')
VOID_FIELD = re.compile(r'action="/admin/polls/[^/]+/voids/(\d+)/restore"')


def counted_votes(app, slug) -> dict[str, int]:
    """Per-choice counts of counted votes, from the votes table (the ground truth)."""
    with app.app_context():
        rows = db.session.execute(
            db.select(Choice.key, func.count(Vote.id))
            .join(Poll, Choice.poll_id == Poll.id)
            .outerjoin(Vote, (Vote.choice_id == Choice.id) & (Vote.status == VOTE_COUNTED))
            .where(Poll.slug == slug)
            .group_by(Choice.key)
        ).all()
        return dict(rows)


def audit(app, action) -> list[AuditEntry]:
    with app.app_context():
        entries = db.session.execute(db.select(AuditEntry).where(AuditEntry.action == action)).scalars().all()
        for entry in entries:
            db.session.expunge(entry)
        return entries


@pytest.fixture
def burst(app, debate_poll):
    """Six new voters from one address for "military" within the hour, and two ordinary voters."""
    app.config["VOTE_BURST_THRESHOLD"] = 3
    stuffers = [app.test_client() for _ in range(6)]
    for client in stuffers:
        assert vote(client, debate_poll).status_code == 302
    assert vote(app.test_client(), debate_poll, "military", address="192.0.2.1").status_code == 302
    assert vote(app.test_client(), debate_poll, "diplomacy", address="192.0.2.2").status_code == 302
    return stuffers


def burst_ids(client, slug) -> list[str]:
    return BURST_FIELD.findall(client.get(f"/admin/polls/{slug}/dashboard").get_data(as_text=True))


def void_ids(client, slug) -> list[str]:
    return VOID_FIELD.findall(client.get(f"/admin/polls/{slug}/dashboard").get_data(as_text=True))


def void(client, slug, burst_id, reason="One address, cookies dropped, 6 votes in a minute."):
    return client.post(f"/admin/polls/{slug}/bursts/void", data={"burst": burst_id, "reason": reason})


def restore(client, slug, void_id, reason="Checked: a school class voting together."):
    return client.post(f"/admin/polls/{slug}/voids/{void_id}/restore", data={"reason": reason})


def results_json(client, slug) -> dict:
    response = client.get(f"/polls/{slug}/results.json")
    assert response.status_code == 200
    return response.get_json()


def export_rows(client, slug) -> list[dict[str, str]]:
    response = client.get(f"/admin/export/votes.csv?poll={slug}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def test_a_moderator_voids_a_burst_and_restores_it_exactly(app, moderator_client, burst, debate_poll):
    before = counters(app, debate_poll)
    assert before == {"military": 7, "diplomacy": 1, "undecided": 0}
    (burst_id,) = burst_ids(moderator_client, debate_poll)

    response = void(moderator_client, debate_poll, burst_id)
    assert response.status_code == 302
    page = moderator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "6 votes voided" in page

    # Stored, marked void, out of the tallies by exactly the burst.
    assert statuses(app, debate_poll) == {VOTE_COUNTED: 2, VOTE_VOID: 6}
    assert counters(app, debate_poll) == {"military": 1, "diplomacy": 1, "undecided": 0}
    assert counters(app, debate_poll) == counted_votes(app, debate_poll)
    results = results_json(burst[0], debate_poll)
    assert results["total"] == 2 and {c["key"]: c["votes"] for c in results["choices"]}["military"] == 1
    public = burst[0].get(f"/polls/{debate_poll}").get_data(as_text=True)
    assert "2 votes in total" in public
    assert [row["status"] for row in export_rows(moderator_client, debate_poll)].count("void") == 6

    (entry,) = audit(app, "votes.void")
    assert entry.actor == "mo" and entry.reason.startswith("One address")
    assert entry.moderator_id is not None and entry.target_type == "vote_void"
    assert entry.before == {"status": "counted", "votes": 6, "by_choice": {"military": 6}}
    assert entry.after["status"] == "void" and entry.after["votes"] == 6 and entry.after["hour"]

    dashboard = moderator_client.get(f"/admin/polls/{debate_poll}/dashboard").get_data(as_text=True)
    assert "Counted and void votes" in dashboard
    assert re.search(r"A stronger military response</th>\s*<td>1</td>\s*<td>6</td>\s*<td>7</td>", dashboard)

    (void_id,) = void_ids(moderator_client, debate_poll)
    assert restore(moderator_client, debate_poll, void_id).status_code == 302
    assert counters(app, debate_poll) == before == counted_votes(app, debate_poll)
    assert statuses(app, debate_poll) == {VOTE_COUNTED: 8}
    assert results_json(burst[0], debate_poll)["total"] == 8
    (restored,) = audit(app, "votes.restore")
    assert restored.actor == "mo" and restored.after["votes"] == 6 and restored.reason.startswith("Checked")
    assert set(row["status"] for row in export_rows(moderator_client, debate_poll)) == {"counted"}


def test_a_voided_voter_who_changes_their_vote_stays_void(app, moderator_client, burst, debate_poll):
    (burst_id,) = burst_ids(moderator_client, debate_poll)
    void(moderator_client, debate_poll, burst_id)
    assert vote(burst[0], debate_poll, "diplomacy").status_code == 302
    assert counters(app, debate_poll) == {"military": 1, "diplomacy": 1, "undecided": 0}
    assert counters(app, debate_poll) == counted_votes(app, debate_poll)
    # Restoring counts that vote where it stands now.
    (void_id,) = void_ids(moderator_client, debate_poll)
    restore(moderator_client, debate_poll, void_id)
    assert counters(app, debate_poll) == {"military": 6, "diplomacy": 2, "undecided": 0}
    assert counters(app, debate_poll) == counted_votes(app, debate_poll)


def test_admins_may_void_too_and_anonymous_readers_may_not(app, admin_client, burst, debate_poll):
    (burst_id,) = burst_ids(admin_client, debate_poll)
    anonymous = void(app.test_client(), debate_poll, burst_id)
    assert anonymous.status_code == 302 and "/admin/login" in anonymous.headers["Location"]
    assert statuses(app, debate_poll) == {VOTE_COUNTED: 8}
    assert void(admin_client, debate_poll, burst_id).status_code == 302
    assert statuses(app, debate_poll) == {VOTE_COUNTED: 2, VOTE_VOID: 6}


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Please say why these votes should not count."),
        ("   ", "Please say why these votes should not count."),
        (
            "x" * (REASON_MAX_LENGTH + 1),
            f"Please keep your reason to {REASON_MAX_LENGTH:,} characters or fewer",
        ),
    ],
)
def test_a_void_needs_a_reason(app, moderator_client, burst, debate_poll, reason, message):
    (burst_id,) = burst_ids(moderator_client, debate_poll)
    response = void(moderator_client, debate_poll, burst_id, reason)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert statuses(app, debate_poll) == {VOTE_COUNTED: 8}
    assert audit(app, "votes.void") == []


def test_forged_burst_ids_are_refused_with_a_message(app, moderator_client, burst, debate_poll, make_poll):
    with app.app_context():
        lone_vote = db.session.execute(
            db.select(Vote.id).where(Vote.ip_hash.is_not(None)).order_by(Vote.id.desc())
        ).scalar()
    other = make_poll("other-poll")
    (burst_id,) = burst_ids(moderator_client, debate_poll)
    for forged, slug in [
        ("not-a-number", debate_poll),
        ("", debate_poll),
        ("999999", debate_poll),
        (str(lone_vote), debate_poll),  # one vote from its address: no burst
        (burst_id, other),  # a burst of another poll
    ]:
        response = void(moderator_client, slug, forged)
        assert response.status_code == 400, forged
        assert "That burst is not on this dashboard" in response.get_data(as_text=True)
    assert statuses(app, debate_poll) == {VOTE_COUNTED: 8}


def test_voiding_twice_or_restoring_twice_says_so(app, moderator_client, burst, debate_poll):
    (burst_id,) = burst_ids(moderator_client, debate_poll)
    void(moderator_client, debate_poll, burst_id)
    again = void(moderator_client, debate_poll, burst_id)
    assert again.status_code == 409 and "already void" in again.get_data(as_text=True)
    (void_id,) = void_ids(moderator_client, debate_poll)
    restore(moderator_client, debate_poll, void_id)
    twice = restore(moderator_client, debate_poll, void_id)
    assert twice.status_code == 409 and "already restored" in twice.get_data(as_text=True)
    assert restore(moderator_client, debate_poll, "424242").status_code == 404
    empty = restore(moderator_client, debate_poll, void_id, reason="")
    assert empty.status_code == 400 and "Please say why these votes count again." in empty.get_data(
        as_text=True
    )
    assert (
        counters(app, debate_poll)
        == counted_votes(app, debate_poll)
        == {
            "military": 7,
            "diplomacy": 1,
            "undecided": 0,
        }
    )
    assert len(audit(app, "votes.void")) == len(audit(app, "votes.restore")) == 1


def test_void_and_restore_forms_need_the_csrf_token(database_url, accounts_free_app_factory):
    app, slug = accounts_free_app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    client.post(
        "/admin/login", data={"username": "mo", "password": PASSWORD, "csrf_token": csrf_token_from(page)}
    )
    dashboard = client.get(f"/admin/polls/{slug}/dashboard").get_data(as_text=True)
    (burst_id,) = BURST_FIELD.findall(dashboard)
    assert void(client, slug, burst_id).status_code == 400
    assert statuses(app, slug) == {VOTE_COUNTED: 4}
    token = csrf_token_from(dashboard)
    response = client.post(
        f"/admin/polls/{slug}/bursts/void",
        data={"burst": burst_id, "reason": "Stuffing.", "csrf_token": token},
    )
    assert response.status_code == 302
    assert statuses(app, slug) == {VOTE_VOID: 4}


@pytest.fixture
def accounts_free_app_factory(database_url):
    """An app with CSRF on (the shared fixtures turn it off), a moderator and a burst of four."""
    from poll.accounts import moderators
    from poll.database.column_types import utcnow
    from poll.polls.debate_poll import seed_debate_poll

    made = []

    def factory(**overrides):
        app = make_app(database_url, VOTE_BURST_THRESHOLD=3, **overrides)
        made.append(app)
        create_tables(app)
        with app.app_context():
            moderators.add("mo", PASSWORD, "moderator", utcnow())
            poll, _ = seed_debate_poll()
            db.session.commit()
            slug = poll.slug
        for _ in range(4):
            client = app.test_client()
            page = client.get(f"/polls/{slug}").get_data(as_text=True)
            vote_data = {"choice": "military", "csrf_token": csrf_token_from(page)}
            client.post(
                f"/polls/{slug}/vote", data=vote_data, environ_overrides={"REMOTE_ADDR": BURST_ADDRESS}
            )
        return app, slug

    yield factory
    for app in made:
        drop_tables(app)


def test_the_dashboard_shows_voided_bursts_with_who_and_why(app, moderator_client, burst, debate_poll):
    (burst_id,) = burst_ids(moderator_client, debate_poll)
    void(moderator_client, debate_poll, burst_id, reason="Scripted & timed burst")
    page = moderator_client.get(f"/admin/polls/{debate_poll}/dashboard").get_data(as_text=True)
    assert "Voided bursts" in page and "Scripted &amp; timed burst" in page
    assert "by <strong>mo</strong>" in page
    assert "6 void" in page
    with app.app_context():
        (record,) = db.session.execute(db.select(VoteVoid)).scalars().all()
        assert record.votes == 6 and record.voided_by.username == "mo" and record.restored_at is None


# Under concurrency -----------------------------------------------------------------


STUFFERS = 24
NEWCOMERS = 24
CHANGES_EACH = 3
CHOICES = ("military", "diplomacy", "undecided")


def test_votes_changes_and_void_restore_at_once_keep_counters_exact(app, debate_poll, accounts):
    """Threads against the real database file (or PostgreSQL): new votes, vote
    changes inside the burst, and a moderator voiding and restoring it, all at
    once. Every counter ends equal to its counted votes."""
    app.config["VOTE_BURST_THRESHOLD"] = 3
    stuffers = [app.test_client() for _ in range(STUFFERS)]
    for client in stuffers:
        assert vote(client, debate_poll).status_code == 302
    moderator = app.test_client()
    login(moderator, "mo")
    (burst_id,) = burst_ids(moderator, debate_poll)
    start = threading.Barrier(STUFFERS + NEWCOMERS + 1)

    def change(index: int) -> list[int]:
        start.wait(timeout=60)
        return [
            vote(stuffers[index], debate_poll, CHOICES[(index + n) % 3]).status_code
            for n in range(CHANGES_EACH)
        ]

    def newcomer(index: int) -> list[int]:
        start.wait(timeout=60)
        return [
            vote(app.test_client(), debate_poll, CHOICES[index % 3], address=f"192.0.2.{index}").status_code
        ]

    def moderate() -> list[int]:
        start.wait(timeout=60)
        answers = [void(moderator, debate_poll, burst_id).status_code]
        (void_id,) = void_ids(moderator, debate_poll)
        answers.append(restore(moderator, debate_poll, void_id).status_code)
        answers.append(void(moderator, debate_poll, burst_id).status_code)
        return answers

    with ThreadPoolExecutor(max_workers=STUFFERS + NEWCOMERS + 1) as pool:
        moderation = pool.submit(moderate)
        changes = [pool.submit(change, n) for n in range(STUFFERS)]
        newcomers = [pool.submit(newcomer, n) for n in range(NEWCOMERS)]
        answers = [answer for future in changes + newcomers for answer in future.result()]
        assert moderation.result() == [302, 302, 302]

    assert set(answers) == {302}
    assert counters(app, debate_poll) == counted_votes(app, debate_poll)
    assert statuses(app, debate_poll) == {VOTE_COUNTED: NEWCOMERS, VOTE_VOID: STUFFERS}
    assert sum(counters(app, debate_poll).values()) == NEWCOMERS

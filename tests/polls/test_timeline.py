"""How the tally moved: the series read from the votes, and the chart and table on the poll page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from poll.database.column_types import utcnow
from poll.database.models import RESULTS_ALWAYS, VOTE_VOID, Poll, Vote
from poll.extensions import db
from poll.polls import timeline
from poll.polls.results import results_snapshot
from poll.polls.timeline import series_of, tally_series
from tests.debate.test_statements_per_request import counted, statements  # noqa: F401 (a fixture)
from tests.helpers import set_poll

CHOICES = [("a", "Option A"), ("b", "Option B"), ("c", "Option C")]


def cast(app, slug: str, choice: str):
    """A new reader's vote; returns their browser."""
    client = app.test_client()
    assert client.post(f"/polls/{slug}/vote", data={"choice": choice}).status_code == 302
    return client


def date_votes(app, slug: str, *times: datetime) -> None:
    """Give the poll's votes, in the order cast, these first-cast times."""
    with app.app_context():
        ids = db.session.execute(
            db.select(Vote.id).join(Poll, Poll.id == Vote.poll_id).where(Poll.slug == slug).order_by(Vote.id)
        ).scalars()
        for vote_id, moment in zip(ids, times, strict=True):
            db.session.execute(update(Vote).where(Vote.id == vote_id).values(created_at=moment))
        db.session.commit()


def void_vote(app, slug: str, number: int) -> None:
    """Take the ``number``-th vote cast (from 0) out of the tallies, as a voiding does (status only)."""
    with app.app_context():
        ids = db.session.execute(
            db.select(Vote.id).join(Poll, Poll.id == Vote.poll_id).where(Poll.slug == slug).order_by(Vote.id)
        ).scalars()
        db.session.execute(update(Vote).where(Vote.id == list(ids)[number]).values(status=VOTE_VOID))
        db.session.commit()


def series_now(app, slug: str):
    with app.app_context(), db.engine.connect() as connection:
        return tally_series(results_snapshot(slug, None, connection))


DAY_ONE = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)


@pytest.fixture
def public_poll(make_poll):
    return make_poll(slug="public-poll", results_visibility=RESULTS_ALWAYS, choices=CHOICES)


def test_daily_series_adds_up_counted_votes_and_places_a_changed_vote_at_its_first_cast(app, public_poll):
    changer = cast(app, public_poll, "a")
    cast(app, public_poll, "b")
    cast(app, public_poll, "a")  # voided below
    cast(app, public_poll, "c")
    date_votes(
        app,
        public_poll,
        DAY_ONE,
        DAY_ONE + timedelta(hours=3),
        DAY_ONE + timedelta(days=1),
        DAY_ONE + timedelta(days=3, hours=5),
    )
    void_vote(app, public_poll, 2)
    assert changer.post(f"/polls/{public_poll}/vote", data={"choice": "b"}).status_code == 302

    series = series_now(app, public_poll)

    assert series.step == "day"
    assert series.labels == ("Option A", "Option B", "Option C")
    assert [point.starts_at.date().isoformat() for point in series.points] == [
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
        "2026-03-05",
    ]
    # The changed vote counts for B from day one; the void vote (day two) is nowhere.
    assert [point.votes for point in series.points] == [(0, 2, 0), (0, 2, 0), (0, 2, 0), (0, 2, 1)]
    assert [point.changed for point in series.points] == [True, False, False, True]
    assert [point.starts_at.day for point in series.changes] == [2, 5]


def test_votes_within_two_days_are_counted_hour_by_hour(app, public_poll):
    cast(app, public_poll, "a")
    cast(app, public_poll, "b")
    cast(app, public_poll, "b")
    date_votes(app, public_poll, DAY_ONE, DAY_ONE + timedelta(minutes=20), DAY_ONE + timedelta(hours=2))

    series = series_now(app, public_poll)

    assert series.step == "hour"
    assert [point.starts_at.hour for point in series.points] == [9, 10, 11]
    assert [point.votes for point in series.points] == [(1, 1, 0), (1, 1, 0), (1, 2, 0)]
    assert [point.percents for point in series.points] == [[50, 50, 0], [50, 50, 0], [33, 67, 0]]


def test_no_votes_is_an_empty_series_with_nothing_to_draw(app, public_poll):
    series = series_now(app, public_poll)
    assert series.points == () and not series.drawable


def test_lines_run_across_the_box_with_shares_measured_from_the_top():
    rows = [("2026-03-02 09:00", "a", 1), ("2026-03-02 10:00", "b", 3)]
    series = series_of(["a", "b"], ["A", "B"], rows)
    assert series.lines() == ["0.00,0.00 100.00,75.00", "0.00,100.00 100.00,25.00"]


def test_a_vote_for_a_choice_no_longer_listed_is_left_out():
    series = series_of(["a"], ["A"], [("2026-03-02 09:00", "a", 1), ("2026-03-02 10:00", "gone", 5)])
    assert [point.votes for point in series.points] == [(1,)]


# The poll page -------------------------------------------------------------------------------------


def chart_of(page: str) -> str:
    found = re.search(r'<section class="timeline".*?</section>', page, re.DOTALL)
    return found.group(0) if found else ""


def spread_votes(app, slug: str) -> None:
    cast(app, slug, "a")
    cast(app, slug, "b")
    cast(app, slug, "b")
    date_votes(app, slug, DAY_ONE, DAY_ONE + timedelta(days=2), DAY_ONE + timedelta(days=4))


def test_the_poll_page_draws_the_chart_and_its_table_where_results_are_public(app, public_poll):
    spread_votes(app, public_poll)
    chart = chart_of(app.test_client().get(f"/polls/{public_poll}").get_data(as_text=True))

    assert 'role="img" aria-labelledby="timeline-title timeline-desc"' in chart
    assert '<title id="timeline-title">How the results moved</title>' in chart
    assert "day by day from 2 Mar 2026 to 6 Mar 2026" in chart
    assert chart.count("<polyline") == 3
    assert "style=" not in chart
    assert "<table" in chart and '<caption id="timeline-caption">' in chart
    # One row for each day on which votes came in (not the quiet days between).
    assert chart.count('<th scope="row">') == 3
    assert '<time datetime="2026-03-06T00:00:00+00:00">6 Mar 2026</time>' in chart
    assert "33% · 1 vote" in chart and "67% · 2 votes" in chart


def test_a_closed_after_vote_poll_shows_the_chart_to_everyone(app, make_poll):
    slug = make_poll(slug="closing", choices=CHOICES)
    spread_votes(app, slug)
    assert chart_of(app.test_client().get(f"/polls/{slug}").get_data(as_text=True)) == ""
    set_poll(app, slug, closes_at=utcnow() - timedelta(minutes=1))
    assert "<polyline" in chart_of(app.test_client().get(f"/polls/{slug}").get_data(as_text=True))


def test_private_results_have_no_chart_even_for_a_voter(app, make_poll):
    slug = make_poll(slug="private", choices=CHOICES)
    voter = cast(app, slug, "a")
    cast(app, slug, "b")
    date_votes(app, slug, DAY_ONE, DAY_ONE + timedelta(days=3))
    page = voter.get(f"/polls/{slug}").get_data(as_text=True)
    assert "Results so far" in page  # the voter sees the tally...
    assert chart_of(page) == "" and "How the results moved" not in page  # ...but not how it moved


def test_choice_labels_are_escaped_in_the_legend_and_table(app, make_poll):
    slug = make_poll(
        slug="escaped",
        results_visibility=RESULTS_ALWAYS,
        choices=[("a", '<script>alert("a")</script>'), ("b", "B & <b>C</b>")],
    )
    cast(app, slug, "a")
    cast(app, slug, "b")
    date_votes(app, slug, DAY_ONE, DAY_ONE + timedelta(days=3))
    chart = chart_of(app.test_client().get(f"/polls/{slug}").get_data(as_text=True))
    assert "<script>" not in chart and "<b>C</b>" not in chart
    assert chart.count("&lt;script&gt;alert(&#34;a&#34;)&lt;/script&gt;") == 2  # legend and table heading
    assert chart.count("B &amp; &lt;b&gt;C&lt;/b&gt;") == 2


def test_the_chart_is_in_the_readers_language(app, public_poll):
    spread_votes(app, public_poll)
    page = app.test_client().get(f"/polls/{public_poll}?lang=fr").get_data(as_text=True)
    chart = chart_of(page)
    assert "How the results moved" not in chart
    assert "2 mars 2026" in chart and "6 mars 2026" in chart


def test_the_chart_follows_new_votes(app, public_poll, monkeypatch):
    monkeypatch.setattr(timeline, "REFRESH_AFTER", 0.0)
    monkeypatch.setattr(timeline, "READS_APART", 0)
    spread_votes(app, public_poll)
    reader = app.test_client()
    assert "67% · 2 votes" in chart_of(reader.get(f"/polls/{public_poll}").get_data(as_text=True))
    cast(app, public_poll, "c")  # now, days after the others
    chart = chart_of(reader.get(f"/polls/{public_poll}").get_data(as_text=True))
    assert "50% · 2 votes" in chart and "25% · 1 vote" in chart


def test_a_busy_polls_chart_is_read_again_at_most_once_per_refresh(app, public_poll, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(timeline, "monotonic", lambda: clock[0])
    spread_votes(app, public_poll)
    reader = app.test_client()
    reader.get(f"/polls/{public_poll}")
    cast(app, public_poll, "c")
    assert "25% · 1 vote" not in chart_of(reader.get(f"/polls/{public_poll}").get_data(as_text=True))
    clock[0] += timeline.REFRESH_AFTER
    assert "25% · 1 vote" in chart_of(reader.get(f"/polls/{public_poll}").get_data(as_text=True))


def test_a_public_poll_page_reads_the_series_once_per_new_tally(app, public_poll, statements):  # noqa: F811
    spread_votes(app, public_poll)
    page = lambda: app.test_client().get(f"/polls/{public_poll}")  # noqa: E731
    assert counted(statements, page) == 2, statements  # the snapshot, then the series
    assert counted(statements, page) == 1, statements  # as before the chart: the snapshot alone


def test_a_voters_page_on_a_public_poll_reads_no_more_than_before(app, public_poll, statements):  # noqa: F811
    spread_votes(app, public_poll)
    voter = cast(app, public_poll, "a")
    voter.get(f"/polls/{public_poll}")
    with_chart = counted(statements, lambda: voter.get(f"/polls/{public_poll}"))
    set_poll(app, public_poll, results_visibility="after_vote")
    without_chart = counted(statements, lambda: voter.get(f"/polls/{public_poll}"))
    assert with_chart == without_chart, statements


def test_the_series_is_one_statement_on_each_engine(app):
    """The GROUP BY the chart runs compiles for SQLite and PostgreSQL alike."""
    from sqlalchemy.dialects import postgresql, sqlite

    for dialect in (sqlite.dialect(), postgresql.dialect()):
        sql = str(timeline._SERIES_QUERY.compile(dialect=dialect))
        assert "GROUP BY" in sql and sql.count("SELECT") == 1


def test_a_swap_that_leaves_the_tally_as_it_was_shows_after_the_longest_keep(app, public_poll, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(timeline, "monotonic", lambda: clock[0])
    first, second = cast(app, public_poll, "a"), cast(app, public_poll, "b")
    cast(app, public_poll, "b")
    date_votes(app, public_poll, DAY_ONE, DAY_ONE + timedelta(days=2), DAY_ONE + timedelta(days=4))
    reader = app.test_client()

    def first_row() -> str:
        chart = chart_of(reader.get(f"/polls/{public_poll}").get_data(as_text=True))
        return chart.split('<th scope="row">', 1)[1].split("</tr>", 1)[0]

    assert "100% · 1 vote</td><td>0% · 0 votes" in first_row()
    first.post(f"/polls/{public_poll}/vote", data={"choice": "b"})
    second.post(f"/polls/{public_poll}/vote", data={"choice": "a"})  # the tally is A 1, B 2 again
    clock[0] += timeline.REFRESH_AFTER * 2
    assert "100% · 1 vote</td><td>0% · 0 votes" in first_row()  # the same tally: kept
    clock[0] += timeline.KEPT_AT_MOST
    assert "0% · 0 votes</td><td>100% · 1 vote" in first_row()


def test_a_slow_read_waits_a_hundred_times_as_long_before_the_next(app, public_poll, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(timeline, "monotonic", lambda: clock[0])
    read = timeline.tally_series

    def one_second_read(poll):
        clock[0] += 1.0
        return read(poll)

    monkeypatch.setattr(timeline, "tally_series", one_second_read)
    spread_votes(app, public_poll)
    reader = app.test_client()
    reader.get(f"/polls/{public_poll}")
    cast(app, public_poll, "c")
    clock[0] += timeline.REFRESH_AFTER
    assert "25% · 1 vote" not in chart_of(reader.get(f"/polls/{public_poll}").get_data(as_text=True))
    clock[0] += timeline.READS_APART * 1.0 - timeline.REFRESH_AFTER
    assert "25% · 1 vote" in chart_of(reader.get(f"/polls/{public_poll}").get_data(as_text=True))

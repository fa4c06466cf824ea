"""Statements run on the driver's cursor give exactly what SQLAlchemy gives."""

from datetime import timedelta

from sqlalchemy import bindparam, event, select

from poll.database.column_types import utcnow
from poll.database.driver_sql import DriverQuery, fetch_all, fetch_batches
from poll.database.models import Poll, Vote
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.voting import cast_vote


def votes_statement(poll_id, since):
    return (
        select(Vote.id, Vote.voter_id, Vote.created_at, Poll.opens_at, Poll.closes_at)
        .join(Poll, Vote.poll_id == Poll.id)
        .where(Vote.poll_id == poll_id, Vote.created_at >= since)
        .order_by(Vote.id)
    )


def cast_five_votes(poll):
    start = utcnow()
    for number in range(5):
        cast_vote(
            poll,
            poll.choices[number % 3],
            f"{number:032d}",
            start + timedelta(seconds=number, microseconds=7),
        )
    db.session.commit()
    return start


def test_rows_and_parameters_match_sqlalchemys_own(app, debate_poll):
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        since = cast_five_votes(poll) + timedelta(seconds=2)
        statement = votes_statement(bindparam("poll"), since)
        connection = db.session.connection()
        expected = [tuple(row) for row in connection.execute(statement, {"poll": poll.id})]
        query = DriverQuery(statement, connection.dialect)
        converted = [
            tuple(
                value if convert is None else convert(value)
                for value, convert in zip(row, query.result_processors, strict=True)
            )
            for row in fetch_all(connection, query, {"poll": poll.id})
        ]
    assert len(expected) == 3
    assert converted == expected


def test_converted_rows_equal_sqlalchemys_in_every_column_and_are_read_by_name(app, debate_poll):
    """Times in every position (here the 3rd to 5th columns) come back as aware datetimes."""
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        cast_five_votes(poll)
        statement = votes_statement(bindparam("poll"), utcnow() - timedelta(days=1))
        connection = db.session.connection()
        expected = [tuple(row) for row in connection.execute(statement, {"poll": poll.id})]
        query = DriverQuery(statement, connection.dialect)
        rows = query.converted(fetch_all(connection, query, {"poll": poll.id}))
    assert rows == expected and len(rows) == 5
    assert list(query.index_of) == ["id", "voter_id", "created_at", "opens_at", "closes_at"]
    assert all(row[query.index_of["opens_at"]].tzinfo is not None for row in rows)


def test_a_name_two_columns_share_cannot_be_read_by_name(app):
    with app.app_context():
        statement = select(Vote.id, Poll.id, Poll.slug).join(Poll, Vote.poll_id == Poll.id)
        query = DriverQuery(statement, db.session.connection().dialect)
    assert query.index_of == {"slug": 2}


def test_batches_together_are_all_the_rows(app, debate_poll):
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        since = cast_five_votes(poll)
        statement = votes_statement(poll.id, since)
        connection = db.session.connection()
        everything = fetch_all(connection, DriverQuery(statement, connection.dialect))
        batches = list(fetch_batches(connection, statement, batch_rows=2))
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert [row for batch in batches for row in batch] == everything


def test_parameters_are_the_ones_sqlalchemy_sends(app, debate_poll):
    """Positional parameters are ordered by the compiled statement's ``positiontup``
    (not public API): the SQL and the parameters, a repeated one and ones given out
    of order included, must be what SQLAlchemy itself hands the cursor."""
    with app.app_context():
        poll = poll_by_slug(debate_poll)
        start = cast_five_votes(poll)
        statement = (
            select(Vote.id)
            .where(
                Vote.poll_id == bindparam("poll"),
                Vote.created_at >= bindparam("since"),
                Vote.created_at < bindparam("until"),
                Vote.created_at != bindparam("until"),
            )
            .order_by(Vote.id)
        )
        values = {
            "until": start + timedelta(seconds=4),
            "since": start + timedelta(seconds=1),
            "poll": poll.id,
        }
        sent = []

        def capture(conn, cursor, sql, parameters, context, executemany):
            sent.append((sql, parameters))

        connection = db.session.connection()
        event.listen(connection, "before_cursor_execute", capture)
        try:
            expected = [tuple(row) for row in connection.execute(statement, values)]
        finally:
            event.remove(connection, "before_cursor_execute", capture)
        query = DriverQuery(statement, connection.dialect)
        params = query.params(values)
        rows = fetch_all(connection, query, values)
    [(sql, parameters)] = sent
    assert isinstance(params, list) == connection.dialect.positional  # SQLite: the positional path
    assert query.sql == sql
    assert params == (list(parameters) if connection.dialect.positional else dict(parameters))
    assert len(expected) == 3
    assert rows == expected

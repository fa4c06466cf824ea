"""How many SQL statements a request runs (issue #28: the debate page and a comment post at five or
fewer; the poll page and a vote no more than they take today). Each figure is counted around one
request only: the fixtures' own statements, and the request that gives a browser its cookie, run
before counting starts."""

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from poll.database.models import COMMENT_APPROVED
from poll.extensions import db
from poll.polls import results

# Transaction control is not a statement the request chose to run (the driver or SQLAlchemy begins and
# ends each transaction), so the listener leaves it out if it sees it.
TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)
MOST_PER_DEBATE_REQUEST = 5
# Before the reads were merged (poll.debate.participation, one query for threads, replies and marks),
# the debate page ran 5 to 13 statements and a comment post 10 or 11.


class StatementLog:
    """The statements run since ``start()``."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def start(self) -> None:
        self.statements.clear()

    def add(self, statement: str) -> None:
        if not TRANSACTION_CONTROL.match(statement):
            self.statements.append(" ".join(statement.split()))

    @property
    def count(self) -> int:
        return len(self.statements)

    def __repr__(self) -> str:
        return "\n".join(f"{n}. {statement[:160]}" for n, statement in enumerate(self.statements, 1))


@pytest.fixture
def statements(app, monkeypatch) -> Iterator[StatementLog]:
    """Every statement run on the app's engine: SQLAlchemy's own (its before_cursor_execute event) and
    the results read that poll.database.driver_sql runs on the driver's cursor, which that event does
    not see."""
    log = StatementLog()

    def before_cursor_execute(connection, cursor, statement, parameters, context, executemany):
        log.add(statement)

    driver_fetch_all = results.fetch_all

    def fetch_all(connection, query, values=None):
        log.add(query.sql)
        return driver_fetch_all(connection, query, values)

    monkeypatch.setattr(results, "fetch_all", fetch_all)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    yield log
    event.remove(engine, "before_cursor_execute", before_cursor_execute)


@pytest.fixture
def busy_debate(app, open_debate, make_comment):
    """The debate with published threads on both sides, a reply and a good-point mark, so that every
    part of the page has rows to read."""
    writer, replier, marker = app.test_client(), app.test_client(), app.test_client()
    writer.post(f"/polls/{open_debate}/vote", data={"choice": "military"})
    replier.post(f"/polls/{open_debate}/vote", data={"choice": "diplomacy"})
    marker.post(f"/polls/{open_debate}/vote", data={"choice": "diplomacy"})
    for body in ("Deterrence keeps the peace.", "A show of force works."):
        assert writer.post(f"/polls/{open_debate}/comments", data={"body": body}).status_code == 302
    assert replier.post(f"/polls/{open_debate}/comments", data={"body": "Talks first."}).status_code == 302
    first = make_comment("Sanctions and talks together.", slug=open_debate, status=COMMENT_APPROVED)
    assert (
        replier.post(f"/polls/{open_debate}/comments/{first}/replies", data={"body": "Agreed."}).status_code
        == 302
    )
    assert marker.post(f"/polls/{open_debate}/comments/{first}/mark").status_code == 302
    return open_debate


def voter_client(app, slug: str, choice: str = "diplomacy"):
    """A browser that has voted in ``slug`` (so it has a cookie and a counted vote)."""
    client = app.test_client()
    assert client.post(f"/polls/{slug}/vote", data={"choice": choice}).status_code == 302
    return client


def counted(statements: StatementLog, request) -> int:
    statements.start()
    response = request()
    assert response.status_code in (200, 302), response.status_code
    return statements.count


def test_the_poll_page_for_a_reader_without_a_cookie_is_one_statement(app, open_debate, statements):
    assert counted(statements, lambda: app.test_client().get(f"/polls/{open_debate}")) == 1, statements


def test_a_vote_is_three_statements(app, open_debate, statements):
    client = app.test_client()
    vote = lambda: client.post(f"/polls/{open_debate}/vote", data={"choice": "military"})  # noqa: E731
    assert counted(statements, vote) == 3, statements


@pytest.mark.parametrize("busy", [False, True], ids=["empty", "with-comments"])
def test_the_debate_page_for_a_reader_without_a_cookie(app, open_debate, busy, request, statements):
    slug = request.getfixturevalue("busy_debate") if busy else open_debate
    page = lambda: app.test_client().get(f"/polls/{slug}/debate")  # noqa: E731
    assert counted(statements, page) <= MOST_PER_DEBATE_REQUEST, statements


@pytest.mark.parametrize("busy", [False, True], ids=["empty", "with-comments"])
def test_the_debate_page_for_a_voter(app, open_debate, busy, request, statements):
    slug = request.getfixturevalue("busy_debate") if busy else open_debate
    client = voter_client(app, slug)
    page = lambda: client.get(f"/polls/{slug}/debate")  # noqa: E731
    assert counted(statements, page) <= MOST_PER_DEBATE_REQUEST, statements


@pytest.mark.parametrize(
    ("busy", "body"),
    [(False, "Talks, then more talks."), (True, "Talks, as www.example.org explains.")],
    ids=["empty", "with-comments-and-a-flag"],
)
def test_a_comment_post(app, open_debate, busy, body, request, statements):
    slug = request.getfixturevalue("busy_debate") if busy else open_debate
    client = voter_client(app, slug)
    post = lambda: client.post(f"/polls/{slug}/comments", data={"body": body})  # noqa: E731
    assert counted(statements, post) <= MOST_PER_DEBATE_REQUEST, statements


def _a_published_comment(app, slug: str) -> int:
    from sqlalchemy import select

    from poll.database.models import Comment

    with app.app_context():
        return db.session.scalars(
            select(Comment.id).where(Comment.parent_id.is_(None), Comment.status == COMMENT_APPROVED)
        ).first()


@pytest.mark.parametrize("voter", [False, True], ids=["reader", "voter"])
def test_a_comments_page(app, busy_debate, voter, statements):
    comment = _a_published_comment(app, busy_debate)
    client = voter_client(app, busy_debate) if voter else app.test_client()
    page = lambda: client.get(f"/polls/{busy_debate}/comments/{comment}")  # noqa: E731
    assert counted(statements, page) <= MOST_PER_DEBATE_REQUEST, statements


def test_a_reply_post(app, busy_debate, statements):
    comment = _a_published_comment(app, busy_debate)
    client = voter_client(app, busy_debate)
    reply = lambda: client.post(  # noqa: E731
        f"/polls/{busy_debate}/comments/{comment}/replies", data={"body": "Fair, but talks first."}
    )
    assert counted(statements, reply) <= MOST_PER_DEBATE_REQUEST, statements


def test_marking_and_unmarking_a_good_point(app, busy_debate, statements):
    comment = _a_published_comment(app, busy_debate)
    client = voter_client(app, busy_debate)
    mark = lambda: client.post(f"/polls/{busy_debate}/comments/{comment}/mark")  # noqa: E731
    assert counted(statements, mark) <= MOST_PER_DEBATE_REQUEST, statements
    assert counted(statements, mark) <= MOST_PER_DEBATE_REQUEST, statements  # the second post unmarks

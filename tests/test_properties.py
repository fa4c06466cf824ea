"""Property-based checks over form fields and query parameters: whatever arrives,
no 5xx, and a refused submission stores nothing."""

from datetime import date
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poll.database.models import Comment, Vote
from poll.extensions import db

EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=300)
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "=cmd|' /C calc'!A0",
        "%",
        "_",
        "../../etc/passwd",
        "\ufeff",
        "\u202e",
        "𝕳𝖊𝖑𝖑𝖔",
        "a" * 5000,
    ]
)
FIELD = st.one_of(ANY_TEXT, NASTY)
EXPORT_KINDS = ["votes", "comments", "tallies", "audit"]


def expected_status(params: dict) -> int:
    """Filters accept anything but a null character, which is refused for every route."""
    return 400 if any("\x00" in value for value in params.values()) else 200


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


@EXAMPLES
@given(choice=FIELD)
def test_any_vote_choice(app, client, debate_poll, choice):
    before = count(app, Vote)
    response = client.post(f"/polls/{debate_poll}/vote", data={"choice": choice})
    assert response.status_code < 500
    if choice in {"military", "diplomacy", "undecided"}:
        assert response.status_code == 302
    else:
        assert response.status_code == 400
        assert count(app, Vote) == before


@EXAMPLES
@given(body=FIELD, name=FIELD)
def test_any_comment(app, debate_poll, body, name):
    before = count(app, Comment)
    response = app.test_client().post(
        f"/polls/{debate_poll}/comments", data={"body": body, "display_name": name}
    )
    assert response.status_code < 500
    stored = count(app, Comment) - before
    assert stored == (1 if response.status_code == 302 else 0)
    if stored:
        with app.app_context():
            newest = db.session.execute(db.select(Comment).order_by(Comment.id.desc())).scalars().first()
            assert newest.body == body.strip() and 0 < len(newest.body) <= 2000
            assert newest.display_name == name.strip()


@EXAMPLES
@given(
    params=st.dictionaries(
        st.sampled_from(["poll", "status", "stance", "sentiment", "flag", "q", "page"]), FIELD
    )
)
def test_any_queue_filter(moderator_client, make_comment, params):
    assert moderator_client.get("/admin/", query_string=params).status_code == expected_status(params)


@EXAMPLES
@given(params=st.dictionaries(st.sampled_from(["actor", "action", "poll", "since", "until", "page"]), FIELD))
def test_any_audit_filter(moderator_client, params):
    assert moderator_client.get("/admin/audit", query_string=params).status_code == expected_status(params)


@EXAMPLES
@given(
    kind=st.one_of(
        st.sampled_from(EXPORT_KINDS), ANY_TEXT.filter(lambda t: "/" not in t and "\x00" not in t)
    ),
    params=st.dictionaries(
        st.sampled_from(["poll", "since", "until", "bom"]),
        st.one_of(FIELD, st.dates().map(str), st.just("north-korea-missile-response")),
    ),
)
def test_any_export_request(moderator_client, debate_poll, kind, params):
    # Encoded as a browser would send it ("?" or "#" typed into the path stays in the path).
    response = moderator_client.get(f"/admin/export/{quote(kind, safe='')}.csv", query_string=params)
    assert response.status_code == expected_export_status(kind, params, debate_poll)


def expected_export_status(kind: str, params: dict, slug: str) -> int:
    """404 for a kind there is not; 400 for a null character, a poll there is not (tallies need
    one), a date that is not YYYY-MM-DD (spaces around it allowed) or an end before the start;
    else the file."""
    if any("\x00" in value for value in params.values()):
        return 400
    if kind not in EXPORT_KINDS:
        return 404
    poll = params.get("poll", "").strip()
    if poll not in {"", slug} or (kind == "tallies" and not poll):
        return 400
    days = {}
    for field in ("since", "until"):
        try:
            if params.get(field):
                days[field] = date.fromisoformat(params[field].strip())
        except ValueError:
            return 400
    if len(days) == 2 and days["until"] < days["since"]:  # until includes its own day
        return 400
    return 200


@pytest.mark.parametrize(
    "page", ["/", "/polls/x/debate?page=%00", "/polls/%FF", "/admin/login?next=%0d%0aSet-Cookie:x"]
)
def test_odd_urls_never_fail(client, debate_poll, page):
    assert client.get(page).status_code < 500

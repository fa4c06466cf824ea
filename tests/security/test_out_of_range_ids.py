"""#27 item 5: ids past what the database holds (2**31 on PostgreSQL, 2**63 on
SQLite) in 13 routes and forms answered 500. One converter for every route id
and one rule for every id in a form: they are "no such thing", like any other."""

import pytest

from poll.web.row_ids import MAX_ROW_ID, row_id

HUGE = [str(2**31), str(2**63), "9" * 30]


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/polls/{slug}/comments/{n}"),
        ("post", "/polls/{slug}/comments/{n}/replies"),
        ("post", "/polls/{slug}/comments/{n}/mark"),
        ("post", "/polls/{slug}/comments/{n}/appeal"),
    ],
)
def test_public_routes_answer_404(client, debate_poll, method, path, number):
    response = getattr(client, method)(path.format(slug=debate_poll, n=number), data={"body": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/admin/comments/{n}/moderate"),
        ("post", "/admin/comments/{n}/stance"),
        ("get", "/admin/comments/{n}/mute"),
        ("post", "/admin/comments/{n}/mute"),
        ("post", "/admin/mutes/{n}/lift"),
        ("post", "/admin/blocked-words/{n}/remove"),
        ("post", "/admin/rejection-reasons/{n}/remove"),
        ("post", "/admin/polls/{slug}/voids/{n}/restore"),
    ],
)
def test_admin_routes_answer_404(admin_client, debate_poll, method, path, number):
    response = getattr(admin_client, method)(
        path.format(slug=debate_poll, n=number), data={"action": "approve"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("number", HUGE)
def test_the_queues_comment_filter_and_bulk_ids_and_a_void_refuse_quietly(admin_client, debate_poll, number):
    assert admin_client.get("/admin/", query_string={"comment": number}).status_code == 200
    bulk = admin_client.post("/admin/comments/bulk", data={"action": "approve", "comment_id": [number]})
    assert bulk.status_code < 500
    void = admin_client.post(f"/admin/polls/{debate_poll}/bursts/void", data={"burst": number})
    assert void.status_code < 500


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1", 1),
        (" 42 ", 42),
        (str(MAX_ROW_ID), MAX_ROW_ID),
        (str(MAX_ROW_ID + 1), None),
        ("0", None),
        ("-1", None),
        ("1e3", None),
        ("١٢", None),
        ("", None),
        (None, None),
    ],
)
def test_row_id(value, expected):
    assert row_id(value) == expected

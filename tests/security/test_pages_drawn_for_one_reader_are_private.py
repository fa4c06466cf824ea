"""Pages drawn for one reader (#27 item 15) are never kept by a shared cache."""

from poll.web.security import PRIVATE_PAGE_CACHE


def cache_control(response) -> str:
    return response.headers.get("Cache-Control", "")


def test_a_voters_poll_page_card_and_debate_are_private(client, debate_poll):
    client.post(f"/polls/{debate_poll}/vote", data={"choice": "diplomacy"})
    for path in (f"/polls/{debate_poll}", f"/polls/{debate_poll}/embed", f"/polls/{debate_poll}/debate"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "private" in cache_control(response) and "public" not in cache_control(response), path


def test_a_readers_refused_form_and_the_front_page_are_private_too(client, debate_poll):
    refused = client.post(f"/polls/{debate_poll}/vote", data={"choice": "bogus"})
    assert refused.status_code == 400 and cache_control(refused) == PRIVATE_PAGE_CACHE
    assert cache_control(client.get("/")) in (PRIVATE_PAGE_CACHE, "no-store")


def test_views_that_choose_their_own_caching_keep_it(client, moderator_client, debate_poll):
    assert cache_control(moderator_client.get("/admin/")) == "no-store"
    oembed = client.get(
        "/oembed", query_string={"url": f"http://localhost/polls/{debate_poll}", "format": "json"}
    )
    assert oembed.status_code == 200 and cache_control(oembed) == "public, max-age=300"

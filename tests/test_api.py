"""JSON results."""

from poll.models import RESULTS_ALWAYS

from .helpers import counted_from_votes


def test_results_json_gives_the_same_tallies_as_the_votes(app, debate_poll):
    for choice in ("military", "diplomacy", "diplomacy", "undecided"):
        app.test_client().post(f"/polls/{debate_poll}/vote", data={"choice": choice})
    client = app.test_client()
    client.post(f"/polls/{debate_poll}/vote", data={"choice": "diplomacy"})
    body = client.get(f"/polls/{debate_poll}/results.json").get_json()
    assert body["total"] == 5
    assert body["my_choice"] == "diplomacy"
    assert body["is_open"] is True
    assert {row["key"]: row["votes"] for row in body["choices"]} == counted_from_votes(app, debate_poll)
    assert [row["percent"] for row in body["choices"]] == [20, 60, 20]


def test_results_json_hidden_before_voting_gives_json_error(client, debate_poll):
    response = client.get(f"/polls/{debate_poll}/results.json")
    assert response.status_code == 403
    assert response.is_json
    assert "once you have voted" in response.get_json()["message"]


def test_results_json_open_when_poll_shows_results_always(client, make_poll):
    slug = make_poll(results_visibility=RESULTS_ALWAYS)
    body = client.get(f"/polls/{slug}/results.json").get_json()
    assert body["total"] == 0 and body["my_choice"] is None


def test_results_json_unknown_poll_is_json_404(client):
    response = client.get("/polls/none/results.json")
    assert response.status_code == 404
    assert response.is_json

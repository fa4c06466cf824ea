"""The poll inside an article: the embed card, its cookies and headers, its vote, oEmbed."""

import re
from datetime import timedelta

import pytest

from poll import PROJECT_ROOT
from poll.database.column_types import utcnow
from poll.database.models import DEFAULT_RESULTS_NOTE, RESULTS_ALWAYS
from poll.polls.embed import COOKIES_BLOCKED
from poll.polls.finding import poll_by_slug
from poll.polls.frame_height import embed_height_for
from poll.polls.vote_taking import NEW_VOTERS_REFUSED
from poll.web.frame_cookies import FRAME_SESSION_COOKIE, FRAME_VOTER_COOKIE
from tests.conftest import csrf_token_from, make_app
from tests.helpers import counted_from_votes, set_poll, vote_rows

STATIC = PROJECT_ROOT / "static"


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def set_cookie_headers(response, name: str) -> list[str]:
    return [header for header in response.headers.getlist("Set-Cookie") if header.startswith(name + "=")]


def vote_in_frame(client, slug: str, choice: str, base_url: str = "http://localhost"):
    page = client.get(f"/polls/{slug}/embed", base_url=base_url).get_data(as_text=True)
    return client.post(
        f"/polls/{slug}/embed/vote",
        data={"choice": choice, "csrf_token": csrf_token_from(page)},
        base_url=base_url,
        headers={"Referer": f"{base_url}/polls/{slug}/embed"},
    )


# The card -------------------------------------------------------------------


def test_the_card_is_compact_light_and_opens_links_in_a_new_tab(client, debate_poll):
    response = client.get(f"/polls/{debate_poll}/embed")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="site-header"' not in page and 'class="site-footer"' not in page
    assert f'action="/polls/{debate_poll}/embed/vote"' in page
    links = re.findall(r"<a [^>]*>", page)
    assert links and all('target="_blank"' in link and 'rel="noopener"' in link for link in links)
    assert "Join the debate" in page and "Full poll" in page
    stylesheets = re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', page)
    assert stylesheets == ["css/core.css", "css/embed.css"]
    weight = len(response.data) + sum((STATIC / name).stat().st_size for name in stylesheets)
    assert weight <= 10 * 1024, f"HTML and CSS weigh {weight} bytes"


def test_voting_in_the_card_counts_once_and_shows_results_with_your_vote(app, client, debate_poll):
    voted = vote_in_frame(client, debate_poll, "diplomacy")
    assert voted.status_code == 302 and voted.headers["Location"] == f"/polls/{debate_poll}/embed"
    card = client.get(f"/polls/{debate_poll}/embed").get_data(as_text=True)
    assert "Thank you: your vote is counted." in card
    assert re.search(
        r'data-choice="diplomacy">\s*<div class="result__label">\s*<span[^>]*>[^<]+</span>\s*'
        r'<span class="badge">Your vote</span>',
        card,
    )
    assert DEFAULT_RESULTS_NOTE.replace("'", "&#39;") in card
    assert "Change your vote" in card

    changed = vote_in_frame(client, debate_poll, "military")
    assert changed.status_code == 302
    assert counted_from_votes(app, debate_poll) == {"military": 1, "diplomacy": 0, "undecided": 0}
    assert len(vote_rows(app, debate_poll)) == 1


def test_the_frame_keeps_its_own_cookies_apart_from_the_sites(client, debate_poll):
    voted = vote_in_frame(client, debate_poll, "military")
    assert set_cookie_headers(voted, FRAME_VOTER_COOKIE)
    assert not set_cookie_headers(voted, "voter") and not set_cookie_headers(voted, "session")
    # The full site does not know the frame's voter: one vote per browser *per embedding site*.
    page = client.get(f"/polls/{debate_poll}").get_data(as_text=True)
    assert "Results appear here once you have voted." in page


def test_under_https_the_frames_cookies_cross_sites_partitioned(database_url, debate_poll):
    client = make_app(database_url, environ={"HTTPS": "1"}, WTF_CSRF_ENABLED=True).test_client()
    base = "https://localhost"
    card = client.get(f"/polls/{debate_poll}/embed", base_url=base)
    voted = vote_in_frame(client, debate_poll, "military", base_url=base)
    assert voted.status_code == 302
    for cookie in set_cookie_headers(card, FRAME_SESSION_COOKIE) + set_cookie_headers(
        voted, FRAME_VOTER_COOKIE
    ):
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"samesite=none", "secure", "partitioned", "httponly"} <= attributes, cookie
    site = client.get(f"/polls/{debate_poll}", base_url=base)
    for cookie in set_cookie_headers(site, "session"):
        assert "SameSite=Lax" in cookie and "Partitioned" not in cookie


def test_without_https_the_frames_cookies_stay_same_site(client, debate_poll):
    voted = vote_in_frame(client, debate_poll, "military")
    for cookie in set_cookie_headers(voted, FRAME_VOTER_COOKIE):
        assert "SameSite=Lax" in cookie and "Partitioned" not in cookie and "Secure" not in cookie


def test_a_frame_that_kept_no_cookie_sends_the_reader_to_the_full_poll_with_the_choice(app, debate_poll):
    client = app.test_client()
    refused = client.post(f"/polls/{debate_poll}/embed/vote", data={"choice": "diplomacy", "csrf_token": "x"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert COOKIES_BLOCKED.replace("'", "&#39;") in page
    link = re.search(r'href="([^"]+)" target="_blank" rel="noopener">Open the poll in a new tab', page)
    assert link and link.group(1) == f"/polls/{debate_poll}?choice=diplomacy#vote"
    assert re.search(r'value="diplomacy"[^>]*checked|checked[^>]*value="diplomacy"', page)
    assert vote_rows(app, debate_poll) == []
    # The full poll preselects it; an unknown choice is ignored.
    full = client.get(f"/polls/{debate_poll}?choice=diplomacy").get_data(as_text=True)
    assert re.search(r'checked[^>]*value="diplomacy"|value="diplomacy"[^>]*checked', full)
    assert "checked" not in client.get(f"/polls/{debate_poll}?choice=nonsense").get_data(as_text=True)


def test_an_expired_form_in_the_frame_says_so_and_keeps_the_choice(app, client, debate_poll):
    client.get(f"/polls/{debate_poll}/embed")  # the frame keeps its session cookie
    refused = client.post(
        f"/polls/{debate_poll}/embed/vote", data={"choice": "military", "csrf_token": "forged"}
    )
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "This form has expired" in page and COOKIES_BLOCKED[:40] not in page
    assert re.search(r'value="military"[^>]*checked|checked[^>]*value="military"', page)
    assert vote_rows(app, debate_poll) == []


@pytest.mark.parametrize("choice", ["", "nonsense", "x" * 5000])
def test_a_bad_choice_in_the_frame_is_refused_next_to_the_field(app, client, debate_poll, choice):
    page = client.get(f"/polls/{debate_poll}/embed").get_data(as_text=True)
    refused = client.post(
        f"/polls/{debate_poll}/embed/vote", data={"choice": choice, "csrf_token": csrf_token_from(page)}
    )
    assert refused.status_code == 400
    assert 'class="field-errors"' in refused.get_data(as_text=True)
    assert vote_rows(app, debate_poll) == []


def test_a_closed_poll_says_so_inside_the_card(app, client, debate_poll):
    page = client.get(f"/polls/{debate_poll}/embed").get_data(as_text=True)
    set_poll(app, debate_poll, closes_at=utcnow() - timedelta(minutes=1))
    refused = client.post(
        f"/polls/{debate_poll}/embed/vote", data={"choice": "military", "csrf_token": csrf_token_from(page)}
    )
    assert refused.status_code == 403
    body = refused.get_data(as_text=True)
    assert "has closed" in body and 'class="site-header"' not in body
    assert "Final results" in client.get(f"/polls/{debate_poll}/embed").get_data(as_text=True)


def test_an_unknown_poll_is_a_404_inside_the_card(client):
    response = client.get("/polls/no-such-poll/embed")
    assert response.status_code == 404
    assert "no poll at this address" in response.get_data(as_text=True)
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]


def test_the_new_voter_limit_counts_the_card_and_the_page_together(database_url, debate_poll):
    app = make_app(
        database_url, RATELIMIT_ENABLED=True, NEW_VOTER_LIMIT_PER_IP="2 per day", WTF_CSRF_ENABLED=True
    )
    vote_in_frame(app.test_client(), debate_poll, "military")
    client = app.test_client()
    page = client.get(f"/polls/{debate_poll}").get_data(as_text=True)
    client.post(
        f"/polls/{debate_poll}/vote", data={"choice": "military", "csrf_token": csrf_token_from(page)}
    )
    refused = vote_in_frame(app.test_client(), debate_poll, "diplomacy")
    assert refused.status_code == 429
    assert NEW_VOTERS_REFUSED[:60] in refused.get_data(as_text=True).replace("&#39;", "'")
    assert len(vote_rows(app, debate_poll)) == 2


# Who may frame it -----------------------------------------------------------


def frame_ancestors(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors"))


def test_only_the_polls_sites_and_the_global_ones_may_frame_the_card(database_url, debate_poll):
    app = make_app(database_url, environ={"EMBED_ORIGINS": "https://partner.example"})
    set_poll(app, debate_poll, embed_origins="https://news.example\nhttps://*.news.example")
    client = app.test_client()
    card = client.get(f"/polls/{debate_poll}/embed")
    assert frame_ancestors(card) == (
        "frame-ancestors 'self' https://news.example https://*.news.example https://partner.example"
    )
    assert "X-Frame-Options" not in card.headers
    policy = card.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert card.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/polls/{slug}", "/polls/{slug}/debate", "/", "/admin/login"])
def test_every_other_page_refuses_every_frame(database_url, debate_poll, path):
    app = make_app(database_url, environ={"EMBED_ORIGINS": "https://partner.example"})
    set_poll(app, debate_poll, embed_origins="https://news.example")
    response = app.test_client().get(path.format(slug=debate_poll))
    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


# oEmbed ---------------------------------------------------------------------


def test_oembed_answers_a_rich_frame_for_a_poll_address(client, debate_poll):
    response = client.get(
        "/oembed", query_string={"url": f"http://localhost/polls/{debate_poll}", "format": "json"}
    )
    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["provider_name"] == "Debate Poll" and body["provider_url"] == "http://localhost/"
    assert body["title"].startswith("North Korea")
    assert isinstance(body["width"], int) and isinstance(body["height"], int)
    # The plain frame the dashboard gives: as tall as this poll's card needs (poll.polls.frame_height).
    with client.application.app_context():
        assert body["height"] == embed_height_for(poll_by_slug(debate_poll))
    assert f'height="{body["height"]}"' in body["html"]
    assert f'src="http://localhost/polls/{debate_poll}/embed"' in body["html"]
    assert body["html"].startswith("<iframe") and "<script" not in body["html"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers


def test_oembed_honours_maxwidth_and_maxheight(client, debate_poll):
    url = f"http://localhost/polls/{debate_poll}/embed"
    body = client.get("/oembed", query_string={"url": url, "maxwidth": "320", "maxheight": "200"}).get_json()
    assert body["width"] == 320 and body["height"] == 200 and 'width="320"' in body["html"]


@pytest.mark.parametrize(
    "query, status",
    [
        ({"url": "http://localhost/polls/no-such-poll"}, 404),
        ({"url": "https://elsewhere.example/polls/{slug}"}, 404),
        ({"url": "http://localhost/admin/"}, 404),
        ({"url": "http://localhost/polls/{slug}", "format": "xml"}, 501),
        ({"url": "http://localhost/polls/{slug}", "maxwidth": "wide"}, 400),
        ({"url": "http://localhost/polls/{slug}", "maxwidth": "-5"}, 400),
        ({}, 400),
    ],
)
def test_oembed_refuses_what_it_cannot_answer(client, debate_poll, query, status):
    query = {name: value.format(slug=debate_poll) for name, value in query.items()}
    response = client.get("/oembed", query_string=query)
    assert response.status_code == status and response.is_json and response.get_json()["error"]


def test_poll_pages_point_link_previews_and_oembed_at_the_poll(client, make_poll):
    slug = make_poll(results_visibility=RESULTS_ALWAYS)
    page = client.get(f"/polls/{slug}").get_data(as_text=True)
    assert f'<link rel="canonical" href="http://localhost/polls/{slug}">' in page
    discovery = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    assert discovery and client.get(discovery.group(1).replace("&amp;", "&")).status_code == 200
    assert '<meta property="og:title" content="Test poll">' in page
    assert '<meta name="twitter:card" content="summary">' in page


def test_link_previews_show_the_tally_only_where_anyone_may_see_it(app, client, make_poll):
    public = make_poll("public-poll", results_visibility=RESULTS_ALWAYS)
    hidden = make_poll("hidden-poll")
    for slug in (public, hidden):
        page = client.get(f"/polls/{slug}").get_data(as_text=True)
        client.post(f"/polls/{slug}/vote", data={"choice": "a", "csrf_token": csrf_token_from(page)})
    description = re.compile(r'<meta property="og:description" content="([^"]*)">')
    fresh = app.test_client()
    assert "Option A 100%" in description.search(fresh.get(f"/polls/{public}").get_data(as_text=True)).group(
        1
    )
    # The voter who voted sees results, but the preview must not leak them for everyone.
    assert "%" not in description.search(client.get(f"/polls/{hidden}").get_data(as_text=True)).group(1)


def test_the_results_note_is_the_polls_own_and_can_be_removed(app, client, make_poll):
    slug = make_poll(results_visibility=RESULTS_ALWAYS)
    assert DEFAULT_RESULTS_NOTE.replace("'", "&#39;") in client.get(f"/polls/{slug}").get_data(as_text=True)
    set_poll(app, slug, results_note="Self-selected readers, not a sample.")
    assert "Self-selected readers" in client.get(f"/polls/{slug}/embed").get_data(as_text=True)
    set_poll(app, slug, results_note="")
    assert 'class="results__note"' not in client.get(f"/polls/{slug}").get_data(as_text=True)


def test_the_loader_and_frame_scripts_are_static_files_that_name_their_peer(client):
    for name in ("embed.js", "frame.js", "live-results.js"):
        response = client.get(f"/static/js/{name}")
        assert response.status_code == 200 and "javascript" in response.mimetype
        script = response.get_data(as_text=True)
        # Messages go to one origin, never to whoever is there ("*").
        assert "'*'" not in script and '"*"' not in script

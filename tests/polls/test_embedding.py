"""Allowed embedding sites, frame-ancestors and the oEmbed answer (pure functions)."""

import pytest

from poll.polls.embedding import (
    MAX_EMBED_ORIGINS,
    MIN_EMBED_WIDTH,
    EmbedSiteError,
    embed_path_slug,
    embed_size,
    frame_ancestors,
    iframe_html,
    loader_html,
    parse_origins,
)


def test_sites_are_read_one_per_line_normalised_and_without_duplicates():
    text = "https://News.Example/\n\n  https://*.news.example  \nhttp://localhost:8080\nhttps://news.example"
    assert parse_origins(text) == ["https://news.example", "https://*.news.example", "http://localhost:8080"]


@pytest.mark.parametrize(
    "line, says",
    [
        ("news.example", "start with https://"),
        ("javascript:alert(1)", "start with https://"),
        ("https://news.example/article/1", "without a page path"),
        ("https://news.example?x=1", "without a page path"),
        ("https://user:pw@news.example", "without a page path"),
        ("https://news.example; script-src *", "without a page path"),
        ("https://*", "without a page path"),
        ("https://-bad.example", "without a page path"),
        # #27 item 14: whole top-level domains, impossible ports, plain http beyond this machine.
        ("https://*.com", "not a whole top-level domain"),
        ("https://news.example:65536", "from 1 to 65535"),
        ("https://news.example:0", "from 1 to 65535"),
        ("http://news.example", "use https://"),
        ("http://*.news.example", "use https://"),
    ],
)
def test_a_bad_site_is_refused_naming_its_line(line, says):
    with pytest.raises(EmbedSiteError) as refused:
        parse_origins(f"https://fine.example\n{line}")
    assert str(refused.value).startswith("Line 2:") and says in str(refused.value)


def test_plain_http_is_kept_for_a_development_site_on_this_machine():
    assert parse_origins("http://localhost:5000\nhttp://127.0.0.1\nhttps://news.example:8443") == [
        "http://localhost:5000",
        "http://127.0.0.1",
        "https://news.example:8443",
    ]


def test_too_many_sites_are_refused():
    lines = "\n".join(f"https://site{number}.example" for number in range(MAX_EMBED_ORIGINS + 1))
    with pytest.raises(EmbedSiteError, match="at most"):
        parse_origins(lines)


def test_frame_ancestors_are_our_pages_then_the_polls_sites_then_the_global_ones():
    assert frame_ancestors([], []) == ["'self'"]
    assert frame_ancestors(["https://a.example"], ["https://b.example", "https://a.example"]) == [
        "'self'",
        "https://a.example",
        "https://b.example",
    ]


@pytest.mark.parametrize(
    "url, slug",
    [
        ("https://poll.example/polls/my-poll", "my-poll"),
        ("https://poll.example/polls/my-poll/", "my-poll"),
        ("https://poll.example/polls/my-poll/embed", "my-poll"),
        ("https://poll.example/polls/my-poll/debate?page=2", "my-poll"),
        ("https://poll.example/polls/my-poll/vote", None),
        ("https://poll.example/polls/", None),
        ("https://poll.example/admin/polls/my-poll", None),
        ("not a url", None),
    ],
)
def test_the_slug_is_read_from_our_poll_addresses_only(url, slug):
    assert embed_path_slug(url) == slug


def test_the_frame_fits_within_the_consumers_bounds_but_stays_readable():
    assert embed_size() == embed_size(None, None)
    assert embed_size(400, 300).width == 400 and embed_size(400, 300).height == 300
    assert embed_size(100).width == MIN_EMBED_WIDTH
    assert embed_size(5000).width == embed_size().width
    # The poll's own height (poll.polls.frame_height), unless the consumer allows less.
    assert embed_size(height=640).height == 640 and embed_size(maxheight=500, height=640).height == 500


def test_snippets_escape_what_they_carry():
    html = iframe_html(
        'https://poll.example/polls/x/embed?a="b"', 'Title with "quotes" & <tags>', embed_size()
    )
    assert '"b"' not in html and "<tags>" not in html and "&amp;" in html
    assert loader_html("https://poll.example/static/js/embed.js", "my-poll") == (
        '<script async src="https://poll.example/static/js/embed.js" data-poll="my-poll"></script>'
    )

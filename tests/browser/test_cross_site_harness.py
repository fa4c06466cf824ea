"""The cross-site harness proves itself on small apps of its own: the certificate, the browser's cookie
mode (third-party cookies blocked, partitioned ones kept) and an embed sized by a script from another site."""

import socket
import ssl

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.wrappers import Request, Response

from tests.browser.cross_site import (
    POLL_SITE,
    SITES,
    CookieReport,
    iframe_content_height,
    iframe_height,
    make_certificate,
    page_app,
    probe_cookies,
    server_ssl_context,
    serving_https,
    third_party_cookies_blocked,
    wait_for_iframe_height,
)


def handshake(port: int, server_name: str, cafile) -> None:
    client = ssl.create_default_context(cafile=str(cafile))
    with (
        socket.create_connection(("127.0.0.1", port)) as raw,
        client.wrap_socket(raw, server_hostname=server_name),
    ):
        pass


def test_certificate_is_valid_for_the_three_sites_only(tls_certificate, https_server):
    port = https_server(page_app({"/": "hello"}))
    for site in SITES:
        handshake(port, site, tls_certificate.cert)
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
        handshake(port, "other.test", tls_certificate.cert)


def test_blocking_profile_blocks_third_party_cookies_and_keeps_partitioned_ones(
    launch_cross_site_context, cookie_probe_sites
):
    context = launch_cross_site_context(block_third_party_cookies=True)

    report = probe_cookies(context, cookie_probe_sites)

    assert report == CookieReport(
        top_level=frozenset({"plain", "chips"}),  # first-party: both
        framed_first=frozenset(),  # neither the first-party plain nor tracker.test's own chips partition
        framed_reload=frozenset({"chips"}),  # news.test's partition; plain was never stored
        framed_fetch=frozenset({"chips"}),
    )
    assert report.third_party_blocked and report.partitioned_kept
    stored = {(cookie["name"], cookie.get("partitionKey")) for cookie in context.cookies()}
    assert stored == {("plain", None), ("chips", "https://tracker.test"), ("chips", "https://news.test")}


def test_allowing_profile_sends_third_party_cookies_so_the_probe_can_tell(
    launch_cross_site_context, cookie_probe_sites
):
    context = launch_cross_site_context(block_third_party_cookies=False)

    report = probe_cookies(context, cookie_probe_sites)

    assert report.framed_first == {"plain"}
    assert report.framed_reload == report.framed_fetch == {"plain", "chips"}
    assert not report.third_party_blocked and report.partitioned_kept
    context.clear_cookies()
    assert not third_party_cookies_blocked(context, cookie_probe_sites)


def test_cross_site_context_is_proven_and_left_without_cookies(cross_site_context, cookie_probe_sites):
    assert cross_site_context.cookies() == []
    assert third_party_cookies_blocked(cross_site_context, cookie_probe_sites)


def test_only_the_test_certificate_is_trusted(cross_site_context, https_server, tmp_path):
    stranger = server_ssl_context(make_certificate(tmp_path))
    with serving_https(page_app({"/": "hello"}), stranger) as port:
        page = cross_site_context.new_page()
        with pytest.raises(PlaywrightError, match="ERR_CERT_AUTHORITY_INVALID"):
            page.goto(f"https://{POLL_SITE}:{port}/")


# A stand-in for the poll app's embed: a script that the newspaper includes, which puts a frame of its
# own site after itself and makes it as tall as the frame says it is.
EMBED_SCRIPT = """(() => {
  const script = document.currentScript;
  const origin = new URL(script.src).origin;
  const frame = document.createElement("iframe");
  frame.className = "poll-embed";
  frame.src = `${origin}/polls/${script.dataset.poll}/embed`;
  frame.style.border = "0";
  window.addEventListener("message", (event) => {
    if (event.origin === origin && event.source === frame.contentWindow) {
      frame.style.height = `${event.data.height}px`;
    }
  });
  script.after(frame);
})();
"""
EMBED_PAGE = """<!doctype html>
<title>poll</title>
<body style="margin: 0">
<div style="height: 321px">A poll</div>
<script>
  parent.postMessage({height: document.documentElement.getBoundingClientRect().height}, "*");
</script>
"""


@Request.application
def widget_app(request: Request) -> Response:
    if request.path == "/static/js/embed.js":
        return Response(EMBED_SCRIPT, content_type="text/javascript")
    if request.path == "/polls/demo/embed":
        return Response(EMBED_PAGE, content_type="text/html")
    return Response("not found", status=404)


def test_embed_script_from_the_poll_site_frames_and_sizes_the_poll(
    cross_site_context, https_server, article_server
):
    poll_port = https_server(widget_app)
    article = article_server(
        "<!doctype html><title>news</title><h1>An article</h1>"
        f'<script async src="https://poll.test:{poll_port}/static/js/embed.js" data-poll="demo"></script>'
    )
    page = cross_site_context.new_page()

    page.goto(article)
    wait_for_iframe_height(page, "iframe.poll-embed", 321)

    assert page.url.startswith("https://news.test:")
    assert [frame.url for frame in page.frames[1:]] == [f"https://poll.test:{poll_port}/polls/demo/embed"]
    assert iframe_height(page, "iframe.poll-embed") == iframe_content_height(page, "iframe.poll-embed") == 321

"""A real cross-site embed in Debian's Chromium: three made-up sites over HTTPS on loopback, and a browser
profile that blocks third-party cookies, as a reader's Chrome set to do so would.

The sites are ``poll.test`` (our app), ``news.test`` (the newspaper that frames it) and ``tracker.test``
(a stand-in third party for the self-check). They are different *sites*, not only different origins, so
SameSite rules, third-party cookie blocking and cookie partitioning (CHIPS) all apply as on the web.

How the browser gets there (each step checked on Chromium 156 by tests/browser/test_cross_site_harness.py):

* ``--host-resolver-rules=MAP poll.test 127.0.0.1, ...`` sends the made-up names to loopback and keeps the
  port written in the URL, so each server stays on its own free port.
* A throwaway certificate for the three names, made by ``openssl`` for the test session, is accepted through
  ``--ignore-certificate-errors-spki-list=<its key's SHA-256>``: Chromium treats exactly that key as trusted and
  still rejects any other bad certificate, so no context needs ``ignore_https_errors``.
* Third-party cookies are blocked by the profile's own setting, ``profile.cookie_controls_mode = 1`` in
  ``Default/Preferences`` ("Block third-party cookies" in chrome://settings/cookies; 0 allows them). A
  persistent context is needed for that: Playwright's ``browser.new_context()`` cannot be given preferences.
  Chromium 156 happens to block by default too, but a default can change, so the profile says it outright and
  ``third_party_cookies_blocked`` proves it. The old ``profile.block_third_party_cookies`` preference no
  longer exists; the ``--test-third-party-cookie-phaseout`` switch and the features ``ForceThirdPartyCookie
  Blocking``, ``TrackingProtection3pcd`` and ``ThirdPartyCookieDeprecationCookieSettings`` did not block
  anything in a profile that allows third-party cookies.

Caveat: Playwright launches Chromium with ``--disable-features=ThirdPartyStoragePartitioning``, and that
cannot be undone from ``args``. So in a blocking profile a cross-site frame gets a ``SecurityError`` from
``localStorage`` (real Chrome gives it partitioned storage instead). Cookies are not affected: partitioned
cookies work and ``context.cookies()`` shows their ``partitionKey``.

The fixtures are imported into tests/browser/conftest.py, so any browser test can ask for them.
"""

import base64
import hashlib
import html
import json
import shutil
import ssl
import subprocess
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.serving import served

POLL_SITE = "poll.test"
NEWS_SITE = "news.test"
TRACKER_SITE = "tracker.test"
SITES = (POLL_SITE, NEWS_SITE, TRACKER_SITE)
OPENSSL = shutil.which("openssl")

# Chromium's "cookie controls mode" preference: 0 allows third-party cookies, 1 blocks them
# (2 blocks them in incognito only).
ALLOW_THIRD_PARTY_COOKIES = 0
BLOCK_THIRD_PARTY_COOKIES = 1

WsgiApp = Callable


# --- Certificate ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path
    spki_sha256: str  # base64 SHA-256 of the public key, the form --ignore-certificate-errors-spki-list takes


def make_certificate(folder: Path, names: tuple[str, ...] = SITES) -> Certificate:
    """A self-signed server certificate valid for ``names`` (subjectAltName), with its key, in ``folder``."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            OPENSSL, "req", "-x509", "-nodes", "-days", "7",
            # An EC key: made in milliseconds, where RSA takes a noticeable moment.
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-keyout", str(key), "-out", str(cert),
            "-subj", f"/CN={names[0]}",
            "-addext", "subjectAltName=" + ",".join(f"DNS:{name}" for name in names),
            # A server certificate, not a CA, as a real site would have.
            "-addext", "basicConstraints=critical,CA:FALSE",
            "-addext", "extendedKeyUsage=serverAuth",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    public_key_pem = subprocess.run(
        [OPENSSL, "x509", "-in", str(cert), "-noout", "-pubkey"], check=True, capture_output=True, text=True
    ).stdout
    public_key_der = base64.b64decode(
        "".join(line for line in public_key_pem.splitlines() if "-----" not in line)
    )
    spki_sha256 = base64.b64encode(hashlib.sha256(public_key_der).digest()).decode()
    return Certificate(cert=cert, key=key, spki_sha256=spki_sha256)


def server_ssl_context(certificate: Certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate.cert, certificate.key)
    return context


# --- HTTPS servers -------------------------------------------------------------------------------------


@contextmanager
def serving_https(app: WsgiApp, ssl_context: ssl.SSLContext) -> Iterator[int]:
    """``app`` served over HTTPS on a free loopback port (yielded) until the block ends."""
    with served(make_server("127.0.0.1", 0, app, threaded=True, ssl_context=ssl_context)) as server:
        yield server.server_port


def page_app(pages: dict[str, str]) -> WsgiApp:
    """A WSGI app serving each HTML document in ``pages`` at its path, and 404 elsewhere."""

    @Request.application
    def app(request: Request) -> Response:
        if request.path not in pages:
            return Response("not found", status=404)
        return Response(pages[request.path], content_type="text/html; charset=utf-8")

    return app


# --- Browser -------------------------------------------------------------------------------------------


def cross_site_args(certificate: Certificate) -> list[str]:
    """The Chromium switches added to CHROMIUM_ARGS (see the module docstring for why each)."""
    mapping = ", ".join(f"MAP {site} 127.0.0.1" for site in SITES)
    return [
        f"--host-resolver-rules={mapping}",
        f"--ignore-certificate-errors-spki-list={certificate.spki_sha256}",
    ]


def write_profile(user_data_dir: Path, *, block_third_party_cookies: bool) -> None:
    """A new Chromium profile whose cookie setting blocks (or allows) third-party cookies."""
    mode = BLOCK_THIRD_PARTY_COOKIES if block_third_party_cookies else ALLOW_THIRD_PARTY_COOKIES
    profile = user_data_dir / "Default"
    profile.mkdir(parents=True)
    (profile / "Preferences").write_text(json.dumps({"profile": {"cookie_controls_mode": mode}}))


# --- The third-party cookie probe ----------------------------------------------------------------------

# The tracker page: which cookies the request for it carried, and which cookies a fetch made from inside
# it carried (the fetch is same-origin for the page, yet still third-party when the page is framed).
TRACKER_PAGE = """<!doctype html>
<title>tracker</title>
<pre id="sent">{sent}</pre>
<script>
  fetch("/cookies").then((response) => response.text()).then((names) => {{
    const fetched = document.createElement("pre");
    fetched.id = "fetched";
    fetched.textContent = names;
    document.body.append(fetched);
  }});
</script>
"""


def tracker_app() -> WsgiApp:
    """``/`` sets an unpartitioned and a partitioned SameSite=None cookie and shows which cookies came with
    the request; ``/cookies`` answers with the names of the cookies that came with it, as JSON."""

    @Request.application
    def app(request: Request) -> Response:
        names = json.dumps(sorted(request.cookies))
        if request.path == "/cookies":
            response = Response(names, content_type="application/json")
        elif request.path == "/":
            response = Response(TRACKER_PAGE.format(sent=html.escape(names)), content_type="text/html")
            response.set_cookie("plain", "1", samesite="None", secure=True, path="/")
            response.set_cookie("chips", "1", samesite="None", secure=True, path="/", partitioned=True)
        else:
            return Response("not found", status=404)
        # A reload must reach the server, or it would show the cookies of the earlier request.
        response.headers["Cache-Control"] = "no-store"
        return response

    return app


@dataclass(frozen=True)
class ProbeSites:
    tracker: str  # https://tracker.test:PORT/
    news: str  # https://news.test:PORT/article, which frames the tracker


@dataclass(frozen=True)
class CookieReport:
    """The names of the tracker's cookies that came back, in the order probe_cookies asks."""

    top_level: frozenset[str]  # a reload of tracker.test visited directly (first-party)
    framed_first: frozenset[str]  # the first load of tracker.test framed by news.test
    framed_reload: frozenset[str]  # the frame again, after news.test is reloaded
    framed_fetch: frozenset[str]  # a fetch from inside that reloaded frame

    @property
    def third_party_blocked(self) -> bool:
        """``plain`` exists (it came back first-party) but is never sent, nor set, in the frame."""
        framed = self.framed_first | self.framed_reload | self.framed_fetch
        return "plain" in self.top_level and "plain" not in framed

    @property
    def partitioned_kept(self) -> bool:
        """``chips`` comes back in the frame, from news.test's partition: the copy set first-party under
        tracker.test is not sent to the frame."""
        return (
            "chips" in self.top_level
            and "chips" not in self.framed_first
            and "chips" in self.framed_reload
            and "chips" in self.framed_fetch
        )


def _names(text: str) -> frozenset[str]:
    return frozenset(json.loads(text))


def probe_cookies(context, sites: ProbeSites) -> CookieReport:
    """Visit the tracker first-party, then framed by news.test, in a new page of ``context``, and report
    which cookies came back. It leaves the tracker's cookies in ``context``."""
    page = context.new_page()
    try:
        page.goto(sites.tracker)
        page.reload()
        top_level = _names(page.locator("#sent").inner_text())

        page.goto(sites.news)
        frame = page.frame_locator("#tracker")
        framed_first = _names(frame.locator("#sent").inner_text())
        page.reload()  # the load event waits for the frame, so the locators below read the new one
        framed_reload = _names(frame.locator("#sent").inner_text())
        framed_fetch = _names(frame.locator("#fetched").inner_text())
    finally:
        page.close()
    return CookieReport(top_level, framed_first, framed_reload, framed_fetch)


def third_party_cookies_blocked(context, sites: ProbeSites) -> bool:
    """Whether ``context`` blocks third-party cookies and keeps partitioned ones (what a CHIPS embed
    relies on). It leaves the tracker's cookies in ``context``; ``context.clear_cookies()`` removes them,
    partitioned ones included."""
    report = probe_cookies(context, sites)
    return report.third_party_blocked and report.partitioned_kept


# --- Iframe size ---------------------------------------------------------------------------------------


def iframe_height(page, selector: str) -> float:
    """The rendered height in CSS pixels of the iframe ``selector`` in ``page``, as the parent page lays it
    out."""
    return page.locator(selector).evaluate("(frame) => frame.getBoundingClientRect().height")


def iframe_content_height(page, selector: str) -> float:
    """The height of the document inside the iframe ``selector`` (its root element's box, which, unlike
    ``scrollHeight``, does not grow to fill a taller frame): what the iframe must be to show it all. Works
    for a cross-site frame too: Playwright reads inside it, where the parent page's script could not."""
    return (
        page.frame_locator(selector).locator("html").evaluate("(root) => root.getBoundingClientRect().height")
    )


def wait_for_iframe_loaded(page, selector: str, attempts: int = 300) -> None:
    """Wait until the document in the iframe ``selector`` has loaded with every stylesheet applied. A height
    read sooner can be the unstyled page's: the likely cause of a rare failure on a busy machine, where the
    card measured 230 px taller than ever before, right after a vote. Gives up after ``attempts`` tries 100 ms
    apart (30 s, Playwright's default timeout)."""
    loaded = """(root) => root.ownerDocument.readyState === "complete"
        && [...root.ownerDocument.querySelectorAll('link[rel="stylesheet"]')].every((link) => link.sheet !== null)"""
    for _ in range(attempts):
        if page.frame_locator(selector).locator("html").evaluate(loaded):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the document in {selector} did not finish loading its stylesheets")


def wait_for_iframe_to_fit(page, selector: str, tolerance: float = 2, attempts: int = 300) -> None:
    """Wait until the iframe ``selector`` is as tall as the document inside it, reading both again on each
    try: a card's height can still change after it has loaded (its live results redraw, a font arrives), and
    the frame follows it, so a height read once may already be out of date by the time the frame is resized.
    Gives up after ``attempts`` tries 100 ms apart (30 s, Playwright's default timeout) with both heights."""
    for _ in range(attempts):
        content, frame = iframe_content_height(page, selector), iframe_height(page, selector)
        if abs(frame - content) <= tolerance:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the frame {selector} stayed {frame}px tall for a document {content}px tall")


def wait_for_iframe_height(page, selector: str, height: float, tolerance: float = 0.5) -> None:
    """Wait until the iframe ``selector`` is ``height`` CSS pixels tall (a frame resized by a message from
    inside it gets there after it loads). Fails after Playwright's default timeout."""
    page.wait_for_function(
        """([selector, height, tolerance]) => {
            const frame = document.querySelector(selector);
            return frame !== null && Math.abs(frame.getBoundingClientRect().height - height) <= tolerance;
        }""",
        arg=[selector, height, tolerance],
    )


# --- Fixtures ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory) -> Certificate:
    """One throwaway certificate for poll.test, news.test and tracker.test for the whole session."""
    if not OPENSSL:
        pytest.skip("the openssl command is needed to make a test certificate (apt-get install openssl)")
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def tls_server_context(tls_certificate) -> ssl.SSLContext:
    return server_ssl_context(tls_certificate)


@pytest.fixture
def https_server(tls_server_context):
    """``https_server(wsgi_app) -> port``: serves the app over HTTPS on loopback until the test ends.
    Reach it as https://poll.test:PORT (or any name of SITES) from the cross-site browser."""
    with ExitStack() as servers:

        def serve(app: WsgiApp) -> int:
            return servers.enter_context(serving_https(app, tls_server_context))

        yield serve


@pytest.fixture
def article_server(https_server):
    """``article_server(html) -> "https://news.test:PORT/article"``: a newspaper page on another site."""

    def serve(document: str) -> str:
        port = https_server(page_app({"/article": document}))
        return f"https://{NEWS_SITE}:{port}/article"

    return serve


@pytest.fixture(scope="session")
def cookie_probe_sites(tls_server_context) -> Iterator[ProbeSites]:
    """The tracker and a news page that frames it, for third_party_cookies_blocked."""
    with serving_https(tracker_app(), tls_server_context) as tracker_port:
        tracker = f"https://{TRACKER_SITE}:{tracker_port}/"
        article = f'<!doctype html><title>news</title><iframe id="tracker" src="{tracker}"></iframe>'
        with serving_https(page_app({"/article": article}), tls_server_context) as news_port:
            yield ProbeSites(tracker=tracker, news=f"https://{NEWS_SITE}:{news_port}/article")


@pytest.fixture
def launch_cross_site_context(browser, tls_certificate, tmp_path_factory):
    """``launch_cross_site_context(block_third_party_cookies=True, **context_options) -> BrowserContext``:
    Chromium in a new profile that reaches the test sites over trusted HTTPS and blocks (or allows)
    third-party cookies. Closed when the test ends. Nothing is probed: see ``cross_site_context``."""
    # Imported here, not at the top: conftest.py imports this module for its fixtures.
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    contexts = []

    def launch(*, block_third_party_cookies: bool = True, **context_options):
        user_data_dir = tmp_path_factory.mktemp("chromium-profile")
        write_profile(user_data_dir, block_third_party_cookies=block_third_party_cookies)
        # The session's Playwright (the one `browser` runs on): a second sync_playwright() cannot start
        # while it runs.
        context = browser.browser_type.launch_persistent_context(
            user_data_dir,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS + cross_site_args(tls_certificate),
            headless=True,
            **context_options,
        )
        contexts.append(context)
        return context

    yield launch
    for context in contexts:
        context.close()


@pytest.fixture
def cross_site_context(launch_cross_site_context, cookie_probe_sites):
    """A Chromium profile that blocks third-party cookies, proven to (and to keep partitioned cookies)
    before the test gets it, with no cookies left in it. ``context.new_page()`` for pages."""
    context = launch_cross_site_context(block_third_party_cookies=True)
    report = probe_cookies(context, cookie_probe_sites)
    assert report.third_party_blocked and report.partitioned_kept, f"the browser is not in the mode: {report}"
    context.clear_cookies()
    return context

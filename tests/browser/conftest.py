"""A live server and Debian's Chromium, driven by Playwright.

Chromium comes from the ``chromium`` apt package (never ``playwright install``).
`make test` installs it; a bare pytest without it skips these tests and says how to get it.
"""

import os
import shutil
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser.cross_site import (  # noqa: F401 (fixtures)
    article_server,
    cookie_probe_sites,
    cross_site_context,
    https_server,
    launch_cross_site_context,
    tls_certificate,
    tls_server_context,
)
from tests.conftest import tool_missing
from tests.serving import served

# The cross-site embed harness (HTTPS test sites, a Chromium that blocks third-party cookies): imported
# here so that any browser test can ask for its fixtures.

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a free loopback port."""
    with served(make_server("127.0.0.1", 0, app, threaded=True)) as server:
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        tool_missing("Chromium not found: `make test` installs Debian's package, or set CHROMIUM_PATH")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """``new_page(viewport=DESKTOP, scripts=True)``: a page in a browser context of its own (a separate
    reader); ``scripts=False`` is a reader with JavaScript off."""
    contexts = []

    def open_page(viewport=DESKTOP, scripts=True):
        context = browser.new_context(viewport=viewport, java_script_enabled=scripts)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshots(request):
    """Where pages are saved for a person to look at (SCREENSHOT_DIR, else skipped)."""
    folder = os.environ.get("SCREENSHOT_DIR")

    def save(page, name: str) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)

    return save


def pytest_collection_modifyitems(config, items):
    """Every browser test drives a real Chromium: slow, by the suite's own definition."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.slow)

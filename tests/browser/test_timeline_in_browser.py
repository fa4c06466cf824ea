"""How the results moved, in Chromium: the chart fits a phone, its table scrolls inside the page, and
axe-core finds nothing to fault in it (in English and in Arabic, laid out right to left; in the built-in
look and a dark one)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from poll.database.models import RESULTS_ALWAYS
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import axe_source, violations  # noqa: F401 (a fixture)
from tests.browser.test_looks_in_browser import DARK_SERIF, csp_reports, set_look
from tests.polls.test_timeline import DAY_ONE, cast, date_votes

TEN_CHOICES = [(f"c{n}", f"A rather long choice label number {n}, to wrap") for n in range(10)]


@pytest.fixture
def app_config():
    # The votes are cast by test clients before the browser comes (it only reads the page).
    return {"WTF_CSRF_ENABLED": False}


@pytest.fixture
def ten_choice_poll(app, make_poll):
    slug = make_poll(slug="many-choices", results_visibility=RESULTS_ALWAYS, choices=TEN_CHOICES)
    for number in range(10):
        cast(app, slug, f"c{number}")
    date_votes(app, slug, *(DAY_ONE + timedelta(days=number) for number in range(10)))
    return slug


@pytest.mark.parametrize("look", [None, DARK_SERIF], ids=["built-in", "dark"])
@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_chart_fits_and_its_table_opens(
    live_server,
    ten_choice_poll,
    new_page,
    axe_source,  # noqa: F811 (the fixture imported above)
    screenshots,
    viewport,
    locale,
    look,
    app,
):
    if look is not None:
        set_look(app, ten_choice_poll, look)
    page = new_page(viewport)
    blocked = csp_reports(page)
    page.goto(f"{live_server}/polls/{ten_choice_poll}?lang={locale}")
    chart = page.locator(".timeline__chart")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 100
    assert page.locator(".timeline__chart polyline").count() == 10
    page.locator(".timeline__figures > summary").click()
    expect(page.locator(".timeline__table")).to_be_visible()
    assert page.locator(".timeline__table tbody tr").count() == 10
    screenshots(page, f"timeline-{locale}-{viewport['width']}-{'dark' if look else 'built-in'}")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert violations(page, axe_source) == []
    assert blocked == []  # no inline style or script for the Content Security Policy to refuse

"""A poll's look as a stylesheet: /polls/<slug>/look.css, what it sets per field, its fallbacks, its
ETag, and the pages that link it."""

import re
from pathlib import Path

import pytest

from poll.database.column_types import utcnow
from poll.extensions import db
from poll.polls.finding import poll_by_slug
from poll.polls.look_css import (
    BUILTIN_ACCENT,
    DARK_PALETTE,
    FONT_STACKS,
    EffectiveLook,
    contrast,
    contrast_problems,
    look_css,
    parse_colour,
    parse_radius,
    shades,
)
from poll.polls.looks import LookError, LookFields, save_look

CORE_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "core.css"


def set_look(app, slug: str | None, **fields) -> None:
    with app.app_context():
        save_look(poll_by_slug(slug) if slug else None, LookFields(**fields), None, utcnow())
        db.session.commit()


def declarations(css: str, selector: str = ":root") -> dict[str, str]:
    """The custom properties of the first block for ``selector`` (outside any @media)."""
    block = re.search(re.escape(selector) + r" \{\n(.*?)\n\}", css, re.S)
    assert block, css
    return dict(re.findall(r"^\s*([-\w]+): (.+);$", block.group(1), re.M))


def test_with_no_look_set_the_stylesheet_changes_nothing(client, make_poll):
    slug = make_poll()
    response = client.get(f"/polls/{slug}/look.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert "{" not in response.get_data(as_text=True)  # a comment, no rule
    # The built-in values the look falls back to are core.css's own.
    core = CORE_CSS.read_text()
    assert f"--accent: {BUILTIN_ACCENT};" in core and "--radius: 6px;" in core


def test_each_field_sets_its_custom_properties(app, client, make_poll):
    slug = make_poll()
    set_look(app, slug, accent="#7a1f1f", font="serif", radius=12)
    css = client.get(f"/polls/{slug}/look.css").get_data(as_text=True)
    root = declarations(css)
    assert root["--accent"] == "#7a1f1f"
    assert root["--on-accent"] == "#ffffff" and root["--accent-dark"] != "#7a1f1f"
    assert root["--radius"] == "12px"
    assert root["--font"] == root["--font-head"] == FONT_STACKS["serif"]
    assert "prefers-color-scheme" not in css and "color-scheme" not in css


def test_dark_sets_the_dark_palette_and_the_dark_pages_accent(app, client, make_poll):
    slug = make_poll()
    set_look(app, slug, accent_dark="#ffb4a8", scheme="dark")
    root = declarations(client.get(f"/polls/{slug}/look.css").get_data(as_text=True))
    assert root["color-scheme"] == "dark"
    assert root["--paper"] == DARK_PALETTE["--paper"] and root["--ink"] == DARK_PALETTE["--ink"]
    assert root["--accent"] == "#ffb4a8" and root["--on-accent"] == "#111111"


def test_auto_keeps_light_and_puts_dark_under_the_media_query(app, client, make_poll):
    slug = make_poll()
    set_look(app, slug, scheme="auto", radius=0)
    css = client.get(f"/polls/{slug}/look.css").get_data(as_text=True)
    light = declarations(css)
    assert light["--radius"] == "0px" and light["color-scheme"] == "light dark" and "--paper" not in light
    media = css.split("@media (prefers-color-scheme: dark) {", 1)[1]
    assert declarations(media)["--paper"] == DARK_PALETTE["--paper"]


def test_a_poll_falls_back_to_the_site_default_field_by_field(app, client, make_poll):
    slug, other = make_poll(), make_poll(slug="other-poll")
    set_look(app, None, accent="#1d5e2f", font="sans", radius=2)
    set_look(app, slug, radius=20)
    root = declarations(client.get(f"/polls/{slug}/look.css").get_data(as_text=True))
    assert (root["--accent"], root["--font"], root["--radius"]) == ("#1d5e2f", FONT_STACKS["sans"], "20px")
    root = declarations(client.get(f"/polls/{other}/look.css").get_data(as_text=True))
    assert (root["--accent"], root["--radius"]) == ("#1d5e2f", "2px")


def test_a_strong_etag_answers_304_and_changes_with_the_look(app, client, make_poll):
    slug = make_poll()
    first = client.get(f"/polls/{slug}/look.css")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in first.headers and "Cookie" not in first.headers.get("Vary", "")
    again = client.get(f"/polls/{slug}/look.css", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    set_look(app, slug, accent="#7a1f1f")
    changed = client.get(f"/polls/{slug}/look.css", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag and b"#7a1f1f" in changed.data


def test_an_unknown_poll_has_no_look(client):
    response = client.get("/polls/no-such-poll/look.css")
    assert response.status_code == 404 and response.mimetype == "text/html"


@pytest.mark.parametrize("path", ["/polls/{slug}", "/polls/{slug}/embed", "/polls/{slug}/debate", "/"])
def test_the_page_the_debate_and_the_card_link_the_look_after_the_sites_css(client, debate_poll, path):
    page = client.get(path.format(slug=debate_poll)).get_data(as_text=True)
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert links[-1] == f"/polls/{debate_poll}/look.css"


def test_admin_pages_do_not_take_a_polls_look(admin_client, debate_poll):
    page = admin_client.get(f"/admin/polls/{debate_poll}/edit").get_data(as_text=True)
    assert "look.css" not in page


def test_the_look_is_drawn_from_the_typed_colour():
    assert parse_colour("#ABC") == "#aabbcc" and parse_colour("#7A1F1F") == "#7a1f1f"
    for typed in ["red", "abc", "#abcd", "#12345g", "rgb(1,2,3)", " #abc", "#abcabcab"]:
        with pytest.raises(ValueError, match="#rgb or #rrggbb"):
            parse_colour(typed)
    assert parse_radius("0") == 0 and parse_radius("24") == 24
    for typed in ["25", "-1", "1.5", "ten", "", "0024x"]:
        with pytest.raises(ValueError, match="from 0 to 24"):
            parse_radius(typed)


def test_contrast_is_measured_the_wcag_way():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_problems(BUILTIN_ACCENT, dark=False) == []
    assert contrast_problems(EffectiveLook().accent_dark, dark=True) == []
    light_on_light = contrast_problems("#ffcc00", dark=False)
    assert any("link text on the page" in problem for problem in light_on_light)
    assert any("link text on the page" in problem for problem in contrast_problems("#0b5cad", dark=True))
    # The label colour follows the accent: dark text on a pale dark-pages accent.
    assert shades("#ffb4a8", dark=True).text == "#111111"


def test_a_look_failing_contrast_is_not_saved(app, make_poll):
    slug = make_poll()
    with app.app_context(), pytest.raises(LookError) as refused:
        save_look(poll_by_slug(slug), LookFields(accent="#ffcc00"), None, utcnow())
    assert set(refused.value.problems) == {"accent"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (LookFields(accent="darkred"), "accent"),
        (LookFields(accent_dark="#FFF"), "accent_dark"),
        (LookFields(accent="#1a4d8f;}body{"), "accent"),
        (LookFields(radius=99), "radius"),
        (LookFields(radius=-1), "radius"),
    ],
)
def test_the_service_refuses_values_the_forms_would_not_pass(app, make_poll, fields, field):
    """look.css writes what is stored: a caller other than the forms (a script, a later API) cannot
    store a value the stylesheet cannot carry."""
    slug = make_poll()
    with app.app_context():
        with pytest.raises(LookError) as refused:
            save_look(poll_by_slug(slug), fields, None, utcnow())
        assert field in refused.value.problems
        db.session.rollback()
    assert "darkred" not in client_css(app, slug)


def client_css(app, slug: str) -> str:
    return app.test_client().get(f"/polls/{slug}/look.css").get_data(as_text=True)


def test_the_preview_scopes_the_look_to_one_element():
    css = look_css(EffectiveLook(accent="#7a1f1f"), ".look-preview")
    assert ":root" not in css
    assert declarations(css, ".look-preview")["color"] == "var(--ink)"


def test_the_database_holds_one_site_default_and_one_look_per_poll(app, make_poll):
    from sqlalchemy.exc import IntegrityError

    from poll.database.models import Look

    slug = make_poll()
    set_look(app, None, radius=3)
    set_look(app, slug, radius=4)
    with app.app_context():
        poll_id = poll_by_slug(slug).id
        for row in (
            Look(site_default=True),
            Look(poll_id=poll_id),
            Look(),
            Look(poll_id=poll_id, site_default=True),
        ):
            db.session.add(row)
            with pytest.raises(IntegrityError):
                db.session.flush()
            db.session.rollback()

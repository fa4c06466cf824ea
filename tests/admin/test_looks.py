"""The look's admin pages: the site's default and a poll's own, their checks, preview and audit."""

import re

import pytest
from werkzeug.datastructures import MultiDict

from poll.database.models import AuditEntry, Look
from poll.extensions import db
from tests.conftest import PASSWORD, csrf_token_from

GOOD = {"accent": "#7a1f1f", "accent_dark": "#ffb4a8", "font": "serif", "radius": "12", "scheme": "dark"}


def looks(app) -> dict[str | None, tuple]:
    """Every stored look by its poll's id (None: the site's)."""
    with app.app_context():
        rows = db.session.execute(db.select(Look)).scalars()
        return {row.poll_id: (row.accent, row.accent_dark, row.font, row.radius, row.scheme) for row in rows}


def audit_entries(app) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.execute(db.select(AuditEntry).filter_by(action="look.edit")).scalars())


def poll_id(app, slug: str) -> int:
    from poll.polls.finding import poll_by_slug

    with app.app_context():
        return poll_by_slug(slug).id


def test_the_site_default_is_saved_audited_and_shown_again(app, admin_client, make_poll):
    page = admin_client.get("/admin/look")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "#rgb or #rrggbb" in page.get_data(as_text=True)
    response = admin_client.post("/admin/look", data={**GOOD, "accent": "#7A1F1F", "save": "Save look"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/look"
    assert looks(app) == {None: ("#7a1f1f", "#ffb4a8", "serif", 12, "dark")}
    [entry] = audit_entries(app)
    assert (entry.actor, entry.target_type, entry.target_id, entry.poll_id) == ("ada", "look", "site", None)
    assert entry.before == {name: None for name in GOOD} and entry.after["radius"] == 12
    again = admin_client.get("/admin/look").get_data(as_text=True)
    assert 'value="#7a1f1f"' in again and 'value="12"' in again
    # The poll's stylesheet takes it at once.
    css = admin_client.get(f"/polls/{make_poll()}/look.css").get_data(as_text=True)
    assert "--accent: #ffb4a8;" in css and "--radius: 12px;" in css


def test_a_polls_own_look_is_saved_beside_its_editor_and_audited_under_the_poll(app, admin_client, make_poll):
    slug = make_poll()
    editor = admin_client.get(f"/admin/polls/{slug}/edit").get_data(as_text=True)
    assert f'href="/admin/polls/{slug}/look"' in editor
    assert (
        "Look: accent #0b5cad (#8cb8f0 on dark pages), system text with serif headings, corners 6 px, light."
        in editor
    )
    response = admin_client.post(f"/admin/polls/{slug}/look", data={"accent": "#1d5e2f", "radius": "0"})
    assert response.status_code == 302
    assert looks(app) == {poll_id(app, slug): ("#1d5e2f", None, None, 0, None)}
    [entry] = audit_entries(app)
    assert entry.target_id == slug and entry.poll_id == poll_id(app, slug)
    assert entry.before == {"accent": None, "radius": None} and entry.after == {
        "accent": "#1d5e2f",
        "radius": 0,
    }
    # Saving the same look again changes nothing, so it writes no entry.
    admin_client.post(f"/admin/polls/{slug}/look", data={"accent": "#1d5e2f", "radius": "0"})
    assert len(audit_entries(app)) == 1
    editor = admin_client.get(f"/admin/polls/{slug}/edit").get_data(as_text=True)
    assert (
        "Look: accent #1d5e2f (#8cb8f0 on dark pages), system text with serif headings, corners 0 px, light."
        in editor
    )
    # Emptying a field gives it back to the site's default.
    admin_client.post(f"/admin/polls/{slug}/look", data={"accent": "", "radius": "0"})
    assert looks(app)[poll_id(app, slug)][0] is None


def test_preview_checks_and_shows_the_typed_look_without_saving(app, admin_client, make_poll):
    slug = make_poll()
    response = admin_client.post(f"/admin/polls/{slug}/look", data={**GOOD, "preview": "Preview"})
    assert response.status_code == 200 and looks(app) == {} and audit_entries(app) == []
    page = response.get_data(as_text=True)
    href = re.search(r'<link rel="stylesheet" id="look-preview-css" href="([^"]+)"', page).group(1)
    css = admin_client.get(href.replace("&amp;", "&"))
    assert css.status_code == 200 and css.mimetype == "text/css"
    text = css.get_data(as_text=True)
    assert ".look-preview {" in text and ":root" not in text and "--accent: #ffb4a8;" in text


def test_the_preview_stylesheet_ignores_what_is_not_yet_a_value(admin_client, make_poll):
    slug = make_poll()
    css = admin_client.get(
        f"/admin/look/preview.css?poll={slug}&accent=%237a&radius=99&font=comic&scheme=dark"
    ).get_data(as_text=True)
    assert "--accent: #8cb8f0;" in css  # the built-in accent for dark pages
    assert "--radius" not in css and "--font:" not in css


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("accent", "red", "type a hex colour, #rgb or #rrggbb"),
        ("accent", "#12345", "type a hex colour, #rgb or #rrggbb"),
        ("accent", "rgb(10, 20, 30)", "type a hex colour, #rgb or #rrggbb"),
        ("accent", "#" + "a" * 5000, "type a hex colour, #rgb or #rrggbb"),
        ("accent_dark", "#ggg", "type a hex colour, #rgb or #rrggbb"),
        ("radius", "25", "from 0 to 24"),
        ("radius", "-3", "from 0 to 24"),
        ("radius", "2.5", "from 0 to 24"),
        ("radius", "round", "from 0 to 24"),
        ("radius", "9" * 40, "from 0 to 24"),
        ("font", "comic-sans", "Not a valid choice"),
        ("scheme", "sepia", "Not a valid choice"),
        # Contrast: a pale accent under white labels and as links on the light page; a dark one on dark pages.
        ("accent", "#ffcc00", "link text on the page has a contrast of"),
        ("accent", "#7fb3ff", "WCAG AA asks for 4.5:1"),
        ("accent_dark", "#0b5cad", "On dark pages, it as link text on the page"),
        ("accent_dark", "#555555", "On dark pages"),
    ],
)
@pytest.mark.parametrize("path", ["/admin/look", "/admin/polls/{slug}/look"])
def test_bad_input_is_refused_beside_its_field_and_kept(
    app, admin_client, make_poll, path, field, typed, message
):
    slug = make_poll()
    response = admin_client.post(path.format(slug=slug), data={**GOOD, field: typed, "save": "Save look"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    errors = re.search(rf'<ul class="field-errors" id="{field}-errors">(.*?)</ul>', page, re.S)
    assert errors and message in errors.group(1).replace("&#39;", "'")
    assert f'aria-describedby="{field}-errors' in page
    if field not in ("font", "scheme"):
        kept = re.search(rf'<input [^>]*id="{field}"[^>]*>', page).group(0)
        assert 'value="' + typed.replace("'", "&#39;") + '"' in kept
    assert looks(app) == {} and audit_entries(app) == []


def test_spaces_around_are_trimmed_and_a_repeated_field_is_refused(app, admin_client):
    assert admin_client.post("/admin/look", data={"accent": " #B00020 ", "radius": " 8 "}).status_code == 302
    assert looks(app)[None][0::3] == ("#b00020", 8)
    repeated = MultiDict([("accent", "#b00020"), ("accent", "#7a1f1f")])
    response = admin_client.post("/admin/look", data=repeated)
    assert response.status_code == 400 and "Please send this field only once." in response.get_data(
        as_text=True
    )
    assert looks(app)[None][0] == "#b00020"


class TestCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    @pytest.mark.parametrize("path", ["/admin/look", "/admin/polls/{slug}/look"])
    def test_a_look_is_saved_only_with_the_forms_token(self, app, client, accounts, make_poll, path):
        path = path.format(slug=make_poll())
        token = csrf_token_from(client.get("/admin/login").get_data(as_text=True))
        client.post("/admin/login", data={"username": "ada", "password": PASSWORD, "csrf_token": token})
        assert client.post(path, data=GOOD).status_code == 400
        assert looks(app) == {}
        token = csrf_token_from(client.get(path).get_data(as_text=True))
        assert client.post(path, data={**GOOD, "csrf_token": token}).status_code == 302
        assert [accent for accent, *_ in looks(app).values()] == ["#7a1f1f"]


def test_only_admins_set_looks(moderator_client, make_poll):
    slug = make_poll()
    assert moderator_client.get("/admin/look").status_code == 403
    assert moderator_client.post(f"/admin/polls/{slug}/look", data=GOOD).status_code == 403
    assert moderator_client.get("/admin/look/preview.css").status_code == 403


def test_an_unknown_polls_look_is_404(admin_client):
    assert admin_client.get("/admin/polls/no-such-poll/look").status_code == 404


def test_logged_out_visitors_are_sent_to_log_in(client):
    response = client.get("/admin/look")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_a_second_site_default_is_refused_by_the_database_and_said_so(app, admin_client, monkeypatch):
    """Two admins saving the first site default at once: the loser's row breaks the unique site_default;
    the page says so (409) instead of a 500, and one look stays."""
    assert admin_client.post("/admin/look", data={"accent": "#1d5e2f"}).status_code == 302
    monkeypatch.setattr("poll.polls.looks.stored_look", lambda poll_id: None)  # as if read before the first
    response = admin_client.post("/admin/look", data={"accent": "#7a1f1f"})
    assert response.status_code == 409
    assert "Another admin saved this look at the same moment" in response.get_data(as_text=True)
    assert looks(app) == {None: ("#1d5e2f", None, None, None, None)}
    assert len(audit_entries(app)) == 1

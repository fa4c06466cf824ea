"""Kept pages (poll.web.page_cache): the poll page and the embedded card are drawn
once for every reader who has not voted, and each still gets a page of their own
where it matters: their CSRF token, their vote, their messages, the poll as it is now."""

import pytest
from flask import template_rendered

from poll.database.column_types import utcnow
from poll.database.models import RESULTS_ALWAYS
from poll.web import page_cache
from poll.web.page_cache import TOKEN_MARK
from tests.conftest import CSRF_FIELD, csrf_token_from
from tests.helpers import set_poll, vote_rows

PAGES = ["/polls/{slug}", "/polls/{slug}/embed"]


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def renders(app):
    """The names of the templates rendered while the test runs."""
    rendered: list[str] = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    yield rendered
    template_rendered.disconnect(record, app)


def checked(page: str, choice: str) -> bool:
    return f'value="{choice}" required checked' in page


def page_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert TOKEN_MARK not in page
    return page


def vote_with(client, path: str, token: str, choice: str = "military"):
    return client.post(f"{path}/vote", data={"choice": choice, "csrf_token": token})


@pytest.mark.parametrize("path", PAGES)
def test_readers_share_one_rendering_but_each_gets_their_own_working_token(app, debate_poll, renders, path):
    path = path.format(slug=debate_poll)
    first_reader, second_reader = app.test_client(), app.test_client()
    first_page = page_of(first_reader, path)
    rendered_once = len(renders)
    second_page = page_of(second_reader, path)
    assert len(renders) == rendered_once, "the second reader's page was drawn again"

    first_token, second_token = csrf_token_from(first_page), csrf_token_from(second_page)
    assert first_token != second_token
    assert CSRF_FIELD.sub("", first_page) == CSRF_FIELD.sub("", second_page)
    # Each token works for its own reader only.
    assert vote_with(second_reader, path, first_token).status_code == 400
    assert vote_with(first_reader, path, first_token).status_code == 302
    assert vote_with(second_reader, path, second_token, "diplomacy").status_code == 302
    assert sorted(key for _, key in vote_rows(app, debate_poll)) == ["diplomacy", "military"]


@pytest.mark.parametrize("path", PAGES)
def test_an_edited_poll_shows_at_once(app, client, debate_poll, path):
    path = path.format(slug=debate_poll)
    page_of(client, path)
    set_poll(app, debate_poll, title="A retitled poll", question="Asked again?")
    page = page_of(app.test_client(), path)
    assert "A retitled poll" in page
    if not path.endswith("/embed"):
        assert "Asked again?" in page


def test_a_closed_poll_shows_as_closed_at_once(app, debate_poll):
    path = f"/polls/{debate_poll}"
    assert 'name="choice"' in page_of(app.test_client(), path)
    set_poll(app, debate_poll, closes_at=utcnow())
    page = page_of(app.test_client(), path)
    assert "no longer takes votes" in page and 'name="choice"' not in page


def test_a_public_tally_moves_with_every_vote(app, make_poll):
    slug = make_poll(results_visibility=RESULTS_ALWAYS)
    path = f"/polls/{slug}"
    assert "0 votes" in page_of(app.test_client(), path)
    voter = app.test_client()
    token = csrf_token_from(page_of(voter, path))
    assert voter.post(f"{path}/vote", data={"choice": "b", "csrf_token": token}).status_code == 302
    assert "1 vote" in page_of(app.test_client(), path)


def test_hidden_counts_do_not_draw_the_page_again(app, debate_poll, renders):
    """Before voting in an after-vote poll a reader sees no counts, so new votes
    leave their page as it was: the kept page serves them all."""
    path = f"/polls/{debate_poll}"
    voter = app.test_client()
    token = csrf_token_from(page_of(voter, path))
    assert voter.post(f"{path}/vote", data={"choice": "military", "csrf_token": token}).status_code == 302
    renders.clear()
    page_of(app.test_client(), path)
    assert renders == []


@pytest.mark.parametrize("path", PAGES)
def test_a_voter_gets_their_own_page_with_their_vote_and_message(app, debate_poll, path):
    path = path.format(slug=debate_poll)
    voter = app.test_client()
    token = csrf_token_from(page_of(voter, path))
    page_of(app.test_client(), path)  # a page kept for readers who have not voted
    response = voter.post(f"{path}/vote", data={"choice": "military", "csrf_token": token})
    assert response.status_code == 302
    page = page_of(voter, path)
    assert "Thank you: your vote is counted." in page
    assert checked(page, "military")
    # And their next visit, without a message, is still theirs.
    again = page_of(voter, path)
    assert "Thank you" not in again and checked(again, "military")
    assert not checked(page_of(app.test_client(), path), "military")


def test_a_refused_vote_comes_back_with_its_error_not_a_kept_page(app, client, debate_poll):
    path = f"/polls/{debate_poll}"
    token = csrf_token_from(page_of(client, path))
    response = client.post(f"{path}/vote", data={"choice": "", "csrf_token": token})
    assert response.status_code == 400
    assert "Please choose" in response.get_data(as_text=True)
    assert "Please choose" not in page_of(app.test_client(), path)


def test_the_preselected_choice_is_its_own_page(app, debate_poll):
    path = f"/polls/{debate_poll}"
    assert checked(page_of(app.test_client(), f"{path}?choice=diplomacy"), "diplomacy")
    assert " checked" not in page_of(app.test_client(), path)


def test_links_are_built_for_the_address_each_reader_used(app, debate_poll):
    path = f"/polls/{debate_poll}"
    plain = app.test_client().get(path, base_url="http://localhost").get_data(as_text=True)
    secure = app.test_client().get(path, base_url="https://localhost").get_data(as_text=True)
    assert f'value="http://localhost{path}"' in plain
    assert f'value="https://localhost{path}"' in secure


def test_a_page_holding_the_mark_is_drawn_each_time_and_still_works(app, debate_poll, renders, monkeypatch):
    """No stored text can hold the real mark (it has NULs, which every request with one is
    refused for, and PostgreSQL cannot store), so the test picks a mark the page does hold."""
    monkeypatch.setattr(page_cache, "TOKEN_MARK", "Reader poll")
    path = f"/polls/{debate_poll}"
    reader = app.test_client()
    response = reader.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Reader poll" in page
    other_page = app.test_client().get(path).get_data(as_text=True)
    assert "Reader poll" in other_page
    # Each reader's page is drawn for them (the first twice: once in trying to keep it).
    assert renders.count("polls/poll.html") == 3
    token = csrf_token_from(page)
    assert token != csrf_token_from(other_page)
    assert reader.post(f"{path}/vote", data={"choice": "military", "csrf_token": token}).status_code == 302


def test_every_kept_card_says_who_may_frame_it(app, debate_poll):
    set_poll(app, debate_poll, embed_origins="https://news.example")
    for reader in (app.test_client(), app.test_client()):
        response = reader.get(f"/polls/{debate_poll}/embed")
        assert "frame-ancestors" in response.headers["Content-Security-Policy"]
        assert "https://news.example" in response.headers["Content-Security-Policy"]

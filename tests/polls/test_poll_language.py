"""A poll's own language: its pages, debate and card are drawn in it unless ?lang= asks for another,
whatever the browser's Accept-Language; a poll without one leaves the choice to the browser."""

import re

import pytest

from poll.database.models import RESULTS_ALWAYS
from tests.helpers import set_poll

KOREAN_VOTE = "투표하기"
ARABIC_VOTE = "صوّت"


def html_tag(page: str) -> str:
    found = re.search(r"<html[^>]*>", page)
    assert found, page[:200]
    return found.group(0)


@pytest.fixture
def korean_poll(make_poll):
    return make_poll(slug="korean-poll", title="대북 제재", language="ko", results_visibility=RESULTS_ALWAYS)


def test_a_korean_polls_page_is_in_korean_without_accept_language(client, korean_poll):
    page = client.get(f"/polls/{korean_poll}").get_data(as_text=True)
    assert 'lang="ko"' in html_tag(page) and 'dir="ltr"' in html_tag(page)
    assert KOREAN_VOTE in page and ">Vote<" not in page


def test_the_polls_language_wins_over_the_browsers(client, korean_poll):
    page = client.get(f"/polls/{korean_poll}", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert 'lang="ko"' in html_tag(page.get_data(as_text=True))


def test_lang_in_the_address_wins_over_the_polls_language(client, korean_poll):
    page = client.get(f"/polls/{korean_poll}?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html_tag(page)
    assert ">Vote<" in page and KOREAN_VOTE not in page
    assert 'action="/polls/korean-poll/vote?lang=en"' in page


def test_a_poll_without_a_language_follows_the_browser_as_before(client, make_poll):
    slug = make_poll(slug="no-language")
    assert 'lang="fr"' in html_tag(client.get(f"/polls/{slug}", headers={"Accept-Language": "fr"}).text)
    assert 'lang="en"' in html_tag(client.get(f"/polls/{slug}").text)


def test_an_arabic_poll_is_right_to_left(client, make_poll):
    slug = make_poll(slug="arabic-poll", language="ar")
    for path in (f"/polls/{slug}", f"/polls/{slug}/embed", f"/polls/{slug}/debate"):
        page = client.get(path).get_data(as_text=True)
        assert 'lang="ar" dir="rtl"' in html_tag(page), path
    assert ARABIC_VOTE in client.get(f"/polls/{slug}").text


def test_the_card_and_the_debate_are_in_the_polls_language(client, korean_poll):
    card = client.get(f"/polls/{korean_poll}/embed").get_data(as_text=True)
    assert 'lang="ko"' in html_tag(card) and KOREAN_VOTE in card
    debate = client.get(f"/polls/{korean_poll}/debate").get_data(as_text=True)
    assert 'lang="ko"' in html_tag(debate)


def test_the_cards_links_keep_lang(client, korean_poll):
    card = client.get(f"/polls/{korean_poll}/embed?lang=en").get_data(as_text=True)
    assert 'lang="en"' in html_tag(card)
    links = re.findall(r'(?:href|action|data-full-poll)="([^"]*/polls/korean-poll[^"]*)"', card)
    assert links, card
    assert all("lang=en" in link for link in links), links
    # Without ?lang= the links carry none: the pages they open are in the poll's language anyway.
    plain = client.get(f"/polls/{korean_poll}/embed").get_data(as_text=True)
    assert "lang=" not in " ".join(re.findall(r'href="([^"]*/polls/korean-poll[^"]*)"', plain))


def test_a_votes_message_is_in_the_polls_language(client, korean_poll):
    response = client.post(f"/polls/{korean_poll}/vote", data={"choice": "a"}, follow_redirects=True)
    assert "감사합니다. 투표가 반영되었습니다." in response.get_data(as_text=True)


def test_a_changed_language_is_a_new_page_not_a_kept_one(app, client, korean_poll):
    assert 'lang="ko"' in html_tag(client.get(f"/polls/{korean_poll}").text)
    set_poll(app, korean_poll, language="fr")
    assert 'lang="fr"' in html_tag(client.get(f"/polls/{korean_poll}").text)
    set_poll(app, korean_poll, language=None)
    assert 'lang="en"' in html_tag(client.get(f"/polls/{korean_poll}").text)


def test_a_missing_poll_is_still_answered_in_the_browsers_language(client):
    response = client.get("/polls/no-such-poll", headers={"Accept-Language": "ko"})
    assert response.status_code == 404 and 'lang="ko"' in html_tag(response.text)

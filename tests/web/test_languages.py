"""The reader's language: catalogs complete, every reader's page drawn in each shipped language,
?lang= and Accept-Language, plural forms, dates and numbers (docs/languages.md)."""

import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask_babel import ngettext

from poll.database.models import COMMENT_APPROVED, Comment
from poll.extensions import db
from poll.polls.debate_poll import seed_debate_poll
from poll.polls.finding import poll_by_slug
from poll.voters.cookie import VOTER_COOKIE, sign_voter_token
from poll.web.languages import LANGUAGES, script_words, words_for_scripts

ROOT = Path(__file__).resolve().parent.parent.parent
TRANSLATIONS = ROOT / "poll" / "translations"
TRANSLATED = [locale for locale in LANGUAGES if locale != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def catalog(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def marked_messages() -> set[str]:
    """Every message the sources mark now (babel.cfg), as `make translations` extracts them."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords)
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_catalog_translates_every_marked_message(locale):
    messages = catalog(locale)
    ids = {message.id if isinstance(message.id, str) else message.id[0] for message in messages if message.id}
    assert ids >= marked_messages(), "run `make translations` and translate what it adds"
    for message in messages:
        if not message.id:
            continue
        assert not message.fuzzy, f"{locale}: fuzzy {message.id!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{locale}: untranslated {message.id!r}"
        if isinstance(message.id, tuple):
            assert len(strings) == messages.num_plurals, f"{locale}: plural forms of {message.id!r}"
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in strings:
            # A translation's placeholders are the message's own (a plural form may leave out %(num)s).
            assert set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(" ".join(source))), message.id
            # Catalogs are trusted as HTML and some land in attributes: no markup or straight quotes.
            assert not re.search(r'[<>"]', text), f"{locale}: {text!r}"
    assert not list(messages.check()), f"{locale}: babel's checks"


@pytest.mark.parametrize(
    ("locale", "counts", "forms"),
    [
        ("ar", [0, 1, 2, 3, 11, 100], 6),  # zero, one, two, few, many, other
        ("ko", [0, 1, 2, 5, 11, 100], 1),
        ("fr", [0, 1, 2, 1_000_000], 3),
    ],
)
def test_plural_forms_follow_the_language(app, locale, counts, forms):
    with app.test_request_context(f"/?lang={locale}"):
        said = [ngettext("%(num)s vote", "%(num)s votes", count) for count in counts]
    # Each count's sentence with the number taken out: how many different forms the language used.
    shapes = {re.sub(r"[\d,\s\u00a0]+", "#", sentence) for sentence in said}
    assert len(shapes) == forms, said
    if locale == "ar":
        assert said[:3] == ["لا أصوات", "صوت واحد", "صوتان"]
        assert said[3:] == ["3 أصوات", "11 صوتًا", "100 صوت"]
    if locale == "ko":
        assert said[1] == "1표" and said[3] == "5표"


def test_the_scripts_get_each_plural_form_of_the_language(app):
    with app.test_request_context("/?lang=ar"):
        words = words_for_scripts("ar")
        assert script_words("frame").startswith(' data-words=\'{"frame_votes_in_new_tab": "')
    assert words["locale"] == "ar" and words["share"] == "مشاركة…"
    assert words["votes"] == {
        "zero": "لا أصوات",
        "one": "صوت واحد",
        "two": "صوتان",
        "few": "{num} أصوات",
        "many": "{num} صوتًا",
        "other": "{num} صوت",
    }
    with app.test_request_context("/?lang=ko"):
        assert words_for_scripts("ko")["votes_in_total"] == {"other": "총 {num}표"}
    with app.test_request_context("/"):
        assert script_words("share") == ""  # English: the scripts' own words, and the card stays light


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        ("", None, "en"),
        ("", "ko-KR,ko;q=0.9,en;q=0.5", "ko"),
        ("", "zh-CN,zh;q=0.9", "zh-Hans"),
        ("", "ar-EG", "ar"),
        ("", "de-DE,de;q=0.9", "en"),  # not shipped: English
        ("?lang=ja", "ko", "ja"),  # ?lang= wins over the browser
        ("?lang=fr-CA", None, "fr"),
        ("?lang=zh_Hans", None, "zh-Hans"),
        ("?lang=xx", "es", "es"),  # unknown: as if not given
        ("?lang=", None, "en"),
        ("?lang=%FF%FE", None, "en"),
        ("?lang=en&lang=ko", None, "en"),
    ],
)
def test_the_language_comes_from_lang_then_accept_language(client, debate_poll, query, accept, expected):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get(f"/polls/{debate_poll}{query}", headers=headers)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{expected}" dir="{"rtl" if expected == "ar" else "ltr"}">' in page
    assert "Accept-Language" in response.headers["Vary"]


def test_lang_is_kept_by_the_pages_links_and_forms_and_the_card(client, debate_poll):
    page = client.get(f"/polls/{debate_poll}?lang=ko").get_data(as_text=True)
    assert f'action="/polls/{debate_poll}/vote?lang=ko' in page
    assert f'href="/polls/{debate_poll}/debate?lang=ko"' in page
    card = client.get(f"/polls/{debate_poll}/embed?lang=ar").get_data(as_text=True)
    assert f'href="http://localhost/polls/{debate_poll}/debate?lang=ar"' in card
    assert f'href="http://localhost/polls/{debate_poll}?lang=ar"' in card
    assert f'action="/polls/{debate_poll}/embed/vote?lang=ar"' in card
    assert "?lang=" not in card.split('<link rel="stylesheet"', 1)[1].split(">", 1)[0]  # static files: no
    plain = client.get(f"/polls/{debate_poll}", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "lang=ko" not in plain  # chosen by the browser: links stay plain


def test_a_vote_in_a_language_lands_on_the_page_in_it_with_its_message(client, debate_poll):
    response = client.post(f"/polls/{debate_poll}/vote?lang=ja", data={"choice": "diplomacy"})
    assert response.status_code == 302 and "lang=ja" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ありがとうございます。投票が集計されました。" in page
    assert "合計 1 票" in page and "100%" in page


def test_the_moderators_pages_stay_english(client):
    page = client.get("/admin/login?lang=ko", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page and "Skip to content" in page


def test_numbers_and_dates_are_written_the_readers_way(client, debate_poll):
    with client.application.app_context():
        poll = poll_by_slug(debate_poll)
        poll.closes_at = poll.opens_at.replace(year=2031, month=3, day=5)
        db.session.commit()
    assert "Voting closes 5 March 2031" in client.get(f"/polls/{debate_poll}").get_data(as_text=True)
    french = client.get(f"/polls/{debate_poll}?lang=fr").get_data(as_text=True)
    assert "Le vote sera clos le 5 mars 2031" in french
    assert "2 000 caractères" in french.replace("\u202f", " ").replace("\u00a0", " ")
    korean = client.get(f"/polls/{debate_poll}?lang=ko").get_data(as_text=True)
    assert "투표는 2031년 3월 5일" in korean


# Pages -------------------------------------------------------------------------------------------

AUTHOR_TOKEN = "2" * 32
STATUS_LINK = re.compile(r'href="http://localhost(/polls/[^"]+/comments/\d+/status/[A-Za-z0-9_-]+)[?"]')
ATTRIBUTE_TEXT = re.compile(r'(?:aria-label|title|placeholder|alt)="([^"]*)"')


def visible_text(html: str, authored: list[str]) -> str:
    """What a reader reads or hears: text and labelling attributes, without the poll's and the
    comments' own words (written by the newsroom and readers, in the poll's language)."""
    html = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    text = " ".join([*ATTRIBUTE_TEXT.findall(html), re.sub(r"<[^>]+>", " ", html)])
    text = " ".join(unescape(text).split())
    for words in sorted(authored, key=len, reverse=True):
        text = text.replace(" ".join(words.split()), " ")
    return text


def english_sentences() -> set[str]:
    """The English messages' pieces between placeholders, long enough to mean something."""
    pieces = set()
    for message in catalog("ko"):
        for source in message.id if isinstance(message.id, tuple) else (message.id,):
            for piece in PLACEHOLDER.split(unescape(source)):
                piece = " ".join(piece.strip(" .,:;()“”\"'").split())
                if len(piece) >= 10 and " " in piece:
                    pieces.add(piece)
    return pieces


def reader_pages(app):
    """Every page a reader may see, as (address, client) pairs drawn once per language: 0 is a
    browser that never voted, 1 the author of a published comment who voted."""
    with app.app_context():
        poll, _ = seed_debate_poll()
        db.session.commit()
        slug = poll.slug
    author = app.test_client()
    with app.app_context():
        author.set_cookie(VOTER_COOKIE, sign_voter_token(AUTHOR_TOKEN))
    author.post(f"/polls/{slug}/vote", data={"choice": "diplomacy"})
    posted = author.post(f"/polls/{slug}/comments", data={"body": "Talks first.", "display_name": "Min"})
    status = STATUS_LINK.search(author.get(posted.headers["Location"]).get_data(as_text=True)).group(1)
    with app.app_context():
        comment = db.session.execute(db.select(Comment)).scalar_one()
        comment.status = COMMENT_APPROVED
        db.session.commit()
        comment_id = comment.id
    return (
        slug,
        author,
        {
            "poll page": (f"/polls/{slug}", 0),
            "poll page, voted": (f"/polls/{slug}", 1),
            "debate page": (f"/polls/{slug}/debate", 1),
            "debate page, not voted": (f"/polls/{slug}/debate", 0),
            "comment page": (f"/polls/{slug}/comments/{comment_id}", 1),
            "status page": (status, 0),
            "embed card": (f"/polls/{slug}/embed", 0),
            "embed card, voted": (f"/polls/{slug}/embed", 1),
            "404 page": ("/polls/no-such-poll", 0),
            "404 card": ("/polls/no-such-poll/embed", 0),
            "405 page": (f"/polls/{slug}/vote", 0),
        },
    )


def authored_words(app, slug: str) -> list[str]:
    with app.app_context():
        poll = poll_by_slug(slug)
        words = [
            poll.title,
            poll.question,
            poll.summary or "",
            poll.results_note or "",
            "Talks first.",
            "Min",
        ]
        for choice in poll.choices:
            words += [choice.label, choice.side_heading or ""]
    return [text for text in words if text]


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_readers_page_is_drawn_in_the_language(app, locale):
    fresh = app.test_client()
    empty = fresh.get(f"/?lang={locale}")
    assert f'lang="{locale.replace("_", "-")}"' in empty.get_data(as_text=True)  # a 404 page: no poll yet
    pages = {"no-poll page": empty.get_data(as_text=True)}
    slug, author, addresses = reader_pages(app)
    english = {}
    for name, (address, who) in addresses.items():
        client = author if who else fresh
        response = client.get(f"{address}?lang={locale}")
        assert response.status_code in (200, 404, 405), name
        pages[name] = response.get_data(as_text=True)
        english[name] = client.get(address).get_data(as_text=True)
    authored = authored_words(app, slug)
    sentences = english_sentences()
    for name, html in pages.items():
        text = visible_text(html, authored)
        left = sorted(sentence for sentence in sentences if sentence in text)
        assert not left, f"{name} in {locale} still says, in English: {left}"
        if name in english:
            in_english = visible_text(english[name], authored)
            assert text != in_english, name
            assert any(sentence in in_english for sentence in sentences), f"the check sees {name}'s words"

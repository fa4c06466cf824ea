"""The reader's language: which of the shipped catalogs a page is drawn in (docs/languages.md).

``?lang=xx`` wins, and the page's own links keep it (a URL default, so every ``url_for`` on a
reader's page carries it); otherwise, on a poll's pages and card, the poll's own language (the one its
editors write it in); otherwise the browser's Accept-Language picks among the shipped languages;
otherwise English. The moderators' pages (/admin) stay English.
"""

from functools import lru_cache

from babel import Locale
from flask import Flask, g, has_request_context, request
from flask_babel import get_locale, gettext, ngettext, refresh
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from poll.extensions import babel

# Locale names as the catalogs in poll/translations/ are named, English (the source) first.
LANGUAGES = ("en", "ko", "ja", "zh_Hans", "es", "fr", "ar")
RIGHT_TO_LEFT = {"ar"}
# What a reader may write in ?lang= or a browser sends, lower-cased, for each shipped locale.
LANGUAGE_TAGS = {locale.lower().replace("_", "-"): locale for locale in LANGUAGES} | {
    "zh": "zh_Hans",
    "zh-cn": "zh_Hans",
    "zh-sg": "zh_Hans",
}
# Offered to Accept-Language in BCP 47 spelling (werkzeug falls back from "ko-KR" to "ko").
OFFERED_TAGS = ["en", "ko", "ja", "zh-Hans", "zh", "zh-CN", "es", "fr", "ar"]
LANG_PARAMETER = "lang"
ENGLISH_ONLY_PREFIXES = ("admin.", "static")


def shipped_locale(tag: str | None) -> str | None:
    """The shipped locale a language tag names ("ko", "ko-KR", "zh-Hans", "ZH_hans"), or None."""
    if not tag:
        return None
    tag = tag.strip().lower().replace("_", "-")
    return LANGUAGE_TAGS.get(tag) or LANGUAGE_TAGS.get(tag.split("-")[0])


def asked_locale() -> str | None:
    """The shipped locale ``?lang=`` names, or None (absent, or a language not shipped)."""
    return shipped_locale(request.args.get(LANG_PARAMETER, type=str))


def select_locale() -> str:
    """Flask-Babel's locale selector: ?lang=, then the poll's language, then Accept-Language, then English."""
    if not has_request_context() or request.blueprint == "admin":
        return "en"
    return (
        asked_locale()
        or g.get("poll_language")
        or shipped_locale(request.accept_languages.best_match(OFFERED_TAGS))
        or "en"
    )


def use_poll_language(language: str | None) -> None:
    """This request's page is one of a poll's, written in ``language`` (None: the poll has none): called
    where the poll is found, before any word of the page is drawn. A locale already picked (by an
    earlier word) is picked again."""
    locale = shipped_locale(language)
    if g.get("poll_language") != locale:
        g.poll_language = locale
        refresh()


def keep_lang(endpoint: str | None, values: dict) -> None:
    """A reader who asked for ``?lang=`` keeps it on every link and form of the pages they see."""
    if not has_request_context() or not endpoint or endpoint.startswith(ENGLISH_ONLY_PREFIXES):
        return
    if LANG_PARAMETER in values:
        return
    locale = asked_locale()
    if locale:
        values[LANG_PARAMETER] = locale


def reader_locale() -> str:
    """The locale this request's reader reads, as a string ("en" outside a request)."""
    return str(get_locale() or "en")


def text_direction() -> str:
    """``rtl`` for Arabic, ``ltr`` for the others: the page's ``<html dir>``."""
    return "rtl" if str(get_locale()) in RIGHT_TO_LEFT else "ltr"


def arrow(way: str) -> str:
    """``{{ arrow("back") }}``: the arrow that points back (or ``"on"``) in the page's direction."""
    backwards = (way == "back") != (text_direction() == "rtl")
    return "\u2190" if backwards else "\u2192"


def html_lang() -> str:
    """The page's ``<html lang>`` in BCP 47 spelling ("zh-Hans", not "zh_Hans")."""
    return str(get_locale()).replace("_", "-")


def vary_on_language(response):
    """A page drawn from Accept-Language says so, for any cache between."""
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
    return response


# A number of each plural category (CLDR's zero, one, two, few, many, other) is looked for up to here.
PLURAL_SAMPLES = (*range(0, 200), 1_000_000)


def plural_words(singular: str, plural: str) -> dict[str, str]:
    """An ngettext message in each of the reader's plural categories, ``{num}`` standing for the number:
    what the pages' scripts need to say a count (they pick the category with Intl.PluralRules)."""
    locale = Locale.parse(reader_locale())
    samples: dict[str, int] = {}
    for number in PLURAL_SAMPLES:
        samples.setdefault(locale.plural_form(number), number)
    return {
        category: ngettext(singular, plural, number).replace(str(number), "{num}")
        for category, number in samples.items()
    }


# The words each of the pages' scripts writes (static/js/), by script.
SCRIPT_WORDS = {
    "live-results": ("locale", "votes", "votes_in_total"),
    "share": ("share", "copy_link", "link_copied", "copy_refused", "shared"),
    "char-count": ("locale", "characters", "too_many", "within_limit"),
    "frame": ("frame_votes_in_new_tab",),
}


def script_words(script: str) -> Markup:
    """``<script src="share.js"{{ script_words("share") }}>``: a ``data-words`` attribute with what one
    of the pages' scripts writes, in the reader's language (JSON, safe in single quotes); nothing for
    English, which the scripts hold themselves (the card keeps its weight)."""
    locale = reader_locale()
    if locale == "en":
        return Markup("")
    words = words_for_scripts(locale)
    data = htmlsafe_json_dumps({name: words[name] for name in SCRIPT_WORDS[script]})
    return Markup(" data-words='{}'").format(data)


@lru_cache(maxsize=len(LANGUAGES))
def words_for_scripts(locale: str) -> dict:
    """Every script's words in ``locale``, the request's own (drawn once per language and process)."""
    return {
        "locale": html_lang(),
        "votes": plural_words("%(num)s vote", "%(num)s votes"),
        "votes_in_total": plural_words("%(num)s vote in total", "%(num)s votes in total"),
        "share": gettext("Share…"),
        "copy_link": gettext("Copy link"),
        "link_copied": gettext("Link copied: paste it wherever you like."),
        "copy_refused": gettext("Copying is not allowed here: the address is selected, copy it yourself."),
        "shared": gettext("Shared."),
        "characters": gettext("%(count)s / %(limit)s characters"),
        "too_many": gettext("%(count)s / %(limit)s: %(over)s too many"),
        "within_limit": gettext("Within the limit: %(count)s / %(limit)s characters"),
        "frame_votes_in_new_tab": gettext(
            "Your browser does not let this box keep your vote: voting opens the poll in a new tab, "
            "with your choice."
        ),
    }


def init_languages(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, default_timezone="UTC")
    app.url_defaults(keep_lang)
    app.after_request(vary_on_language)
    app.jinja_env.globals.update(
        arrow=arrow, html_lang=html_lang, script_words=script_words, text_direction=text_direction
    )

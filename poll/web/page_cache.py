"""Pages that are the same for every reader who has not voted, rendered once and kept.

Most readers load a poll page once, before voting, and for all of them the
page differs only in its CSRF token (each reader's own, bound to their
session). Such a page is rendered once per *key*, everything it is drawn
from (the results snapshot, whether the poll is open, the debate's comment count, the address it is
served at), and kept with its token marked; each reader gets a copy with
their own token written in. Because the key is the page's whole input, a
kept page is never stale: an edited poll or a moved public tally is a new
key, and nothing has to be told to forget anything (each worker process
keeps its own pages, so there is nothing to share either).

Pages with anything personal (the reader's vote, a flashed message, a
refused form) are never kept: callers render those directly.
"""

from collections.abc import Callable, Hashable
from functools import lru_cache

from flask import Flask, current_app, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from poll.web.languages import asked_locale

# Not a character a template or a token ever holds: what stands for the token in a kept page.
TOKEN_MARK = "\x00csrf-token\x00"  # noqa: S105 (a placeholder, not a secret)
EXTENSION = "page_cache"
# Distinct pages kept per process (polls × open/closed × preselected choice); ~7 kB each.
PAGES_KEPT = 128


def init_page_cache(app: Flask) -> None:
    @lru_cache(maxsize=PAGES_KEPT)
    def marked_page(
        render: Callable[..., str], key: tuple[Hashable, ...], root_url: str, language: tuple[str, str | None]
    ) -> str | None:
        # root_url and language are only parts of the key: the page's words and links are drawn for them.
        token = generate_csrf()
        page = render(*key)
        # A page already holding the mark (NULs: requests with one are refused) is drawn each time instead.
        return None if TOKEN_MARK in page else page.replace(token, TOKEN_MARK)

    app.extensions[EXTENSION] = marked_page


def can_be_shared() -> bool:
    """Nothing in this request's page is this reader's own but the token: no
    message is waiting to be shown to them (the caller knows about their vote)."""
    return "_flashes" not in session


def shared_page(render: Callable[..., str], *key: Hashable) -> str:
    """``render(*key)``, rendered once per ``key`` (with the address it is served at), with this
    request's CSRF token. ``render`` must draw the page from ``key`` alone."""
    language = (str(get_locale()), asked_locale())
    marked = current_app.extensions[EXTENSION](render, key, request.root_url, language)
    return render(*key) if marked is None else marked.replace(TOKEN_MARK, generate_csrf())

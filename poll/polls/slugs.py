"""Slugs: the lower-case words joined by dashes that a poll's address and its choices' keys are made
of, a free address made from a new poll's title, and why an address cannot be a poll's."""

import itertools
import re
import unicodedata
from collections.abc import Container

from poll.database.models import Poll, Vote
from poll.extensions import db
from poll.polls.finding import poll_by_slug

SLUG_MAX_LENGTH = 80
# What a title made only of characters with no ASCII letter in them (Korean, emoji) becomes.
FALLBACK_SLUG = "poll"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def slug_format_problem(slug: str) -> str | None:
    """What is wrong with how an address is written (the editor's and the API's rule), or None."""
    if not slug:
        return "Please give the poll an address."
    if not re.fullmatch(SLUG_PATTERN, slug):
        return "Use lower-case letters, digits and single dashes, like my-poll-2026."
    return None


def slugify(text: str, max_length: int) -> str:
    """Lower-case ASCII letters and digits joined by single dashes ("Yes: but slowly" -> "yes-but-slowly").

    static/js/poll-editor.js makes the same from a title as it is typed; keep the two in step."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:max_length].rstrip("-")


def numbered(base: str, taken: Container[str], max_length: int) -> str:
    """``base``, or ``base-2``, ``base-3`` ... (cut to ``max_length``): the first not in ``taken``."""
    if base not in taken:
        return base
    for number in itertools.count(2):
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")


def slug_from_title(title: str) -> str:
    """A free address for a new poll made from ``title`` (one another poll has gets -2, -3 ...)."""
    taken = set(db.session.execute(db.select(Poll.slug)).scalars())
    return numbered(slugify(title, SLUG_MAX_LENGTH) or FALLBACK_SLUG, taken, SLUG_MAX_LENGTH)


def slug_problem(slug: str, poll: Poll | None) -> str | None:
    """Why ``slug`` cannot be this poll's address (``poll`` None: a new poll's), or None.

    A poll that has votes keeps its address: by then it is embedded in articles and shared, and every
    old link would answer 404."""
    if poll is not None and slug != poll.slug and has_votes(poll):
        return (
            f"This poll has votes, so its address stays /polls/{poll.slug}: articles embed it and readers "
            "have shared it, and every old link would break."
        )
    existing = poll_by_slug(slug)
    if existing is not None and (poll is None or existing.id != poll.id):
        return f"Another poll already lives at /polls/{slug}."
    return None


def has_votes(poll: Poll) -> bool:
    """Whether any vote was ever stored for ``poll`` (voided ones too: their links were shared)."""
    return db.session.execute(db.select(Vote.id).filter_by(poll_id=poll.id).limit(1)).first() is not None

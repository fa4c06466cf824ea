"""Where a poll may be framed, and how other sites ask for its embed code.

Pure functions: the embed view (poll.polls.embed) sends ``frame_ancestors`` as its
Content-Security-Policy, the poll editor checks sites with ``parse_origins``,
and ``/oembed`` answers with ``oembed_response``.
"""

import re
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

# An origin as CSP's frame-ancestors takes it: scheme, host (optionally "*." for
# every subdomain), optional port; no path, query or credentials.
_HOST_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
ORIGIN = re.compile(rf"^https?://(\*\.)?{_HOST_LABEL}(\.{_HOST_LABEL})*(:\d{{1,5}})?$")
MAX_EMBED_ORIGINS = 20
# The only hosts a plain-http origin may name: a newsroom's development machine.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")

# The frame's size before it has measured itself (the loader then resizes it); the plain frame's
# height comes from the poll (poll.polls.frame_height).
EMBED_WIDTH = 560
EMBED_HEIGHT = 420
MIN_EMBED_WIDTH = 280


class EmbedSiteError(ValueError):
    """An allowed-sites list that cannot be used, with the reason in words."""


def normalise_origin(line: str) -> str:
    """``line`` as an origin (lower case, no trailing slash), or EmbedSiteError saying why not."""
    value = line.strip().lower().removesuffix("/")
    if not value.startswith(("http://", "https://")):
        raise EmbedSiteError(f"{line.strip()}: start with https:// (for example https://news.example).")
    if not ORIGIN.match(value):
        raise EmbedSiteError(
            f"{line.strip()}: give the site only, like https://news.example or https://*.news.example, "
            "without a page path."
        )
    scheme, _, rest = value.partition("://")
    host, _, port = rest.partition(":")  # the pattern above allows nothing else
    if port and not 1 <= int(port) <= 65535:
        raise EmbedSiteError(f"{line.strip()}: a port is a number from 1 to 65535.")
    if host.startswith("*.") and "." not in host[2:]:
        raise EmbedSiteError(
            f"{line.strip()}: a wildcard covers one site's subdomains (https://*.news.example), "
            "not a whole top-level domain."
        )
    if scheme == "http" and host not in LOOPBACK_HOSTS:
        raise EmbedSiteError(
            f"{line.strip()}: use https://. Plain http:// is accepted only for a development site on "
            "this machine (http://localhost or http://127.0.0.1)."
        )
    return value


def parse_origins(text: str) -> list[str]:
    """Allowed sites, one per line, as origins without duplicates; EmbedSiteError names the bad line."""
    origins: list[str] = []
    for number, line in enumerate((line for line in text.splitlines() if line.strip()), start=1):
        try:
            origin = normalise_origin(line)
        except EmbedSiteError as error:
            raise EmbedSiteError(f"Line {number}: {error}") from None
        if origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_EMBED_ORIGINS:
        raise EmbedSiteError(f"List at most {MAX_EMBED_ORIGINS} sites; use https://*.example for subdomains.")
    return origins


def frame_ancestors(poll_origins: list[str], global_origins: list[str]) -> list[str]:
    """Who may frame a poll's embed view: our own pages (the editors' preview),
    the poll's sites and the sites every poll allows."""
    allowed = ["'self'"]
    for origin in [*poll_origins, *global_origins]:
        if origin not in allowed:
            allowed.append(origin)
    return allowed


def embed_path_slug(url: str) -> str | None:
    """The poll slug in a poll, embed or debate URL of ours (``/polls/<slug>[/embed|/debate]``), or None."""
    parts = urlsplit(url).path.strip("/").split("/")
    ours = len(parts) == 2 or (len(parts) == 3 and parts[2] in ("embed", "debate"))
    return parts[1] if ours and parts[0] == "polls" and parts[1] else None


@dataclass(frozen=True)
class EmbedSize:
    width: int
    height: int


def embed_size(
    maxwidth: int | None = None, maxheight: int | None = None, height: int = EMBED_HEIGHT
) -> EmbedSize:
    """The frame's size within a consumer's bounds (oEmbed maxwidth/maxheight), never narrower than the
    card can be read at; ``height`` is the poll's own (poll.polls.frame_height)."""
    width = EMBED_WIDTH if maxwidth is None else max(MIN_EMBED_WIDTH, min(EMBED_WIDTH, maxwidth))
    height = height if maxheight is None else max(1, min(height, maxheight))
    return EmbedSize(width, height)


def iframe_html(embed_url: str, title: str, size: EmbedSize) -> str:
    """The plain frame, for CMSs that strip scripts (and oEmbed's ``html``)."""
    return (
        f'<iframe src="{escape(embed_url)}" title="{escape(title)}" width="{size.width}" '
        f'height="{size.height}" style="border:0;width:100%;max-width:{size.width}px" '
        'loading="lazy"></iframe>'
    )


def loader_html(script_url: str, slug: str) -> str:
    """The script snippet: embed.js inserts the frame and keeps it the height of its content."""
    return f'<script async src="{escape(script_url)}" data-poll="{escape(slug)}"></script>'


def oembed_response(
    *,
    title: str,
    embed_url: str,
    provider_url: str,
    size: EmbedSize,
) -> dict:
    """An oEmbed 1.0 "rich" response for one poll."""
    return {
        "version": "1.0",
        "type": "rich",
        "provider_name": "Debate Poll",
        "provider_url": provider_url,
        "title": title,
        "html": iframe_html(embed_url, title, size),
        "width": size.width,
        "height": size.height,
        "cache_age": 3600,
    }

"""HTTP security headers (Flask-Talisman), the client address behind proxies, and
the start-up checks gunicorn.conf.py runs on the settings the app will use."""

import ipaddress
import socket
from collections.abc import Iterable, Mapping
from pathlib import Path

from flask import Config as FlaskConfig
from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

from poll.config import load_served_settings
from poll.extensions import talisman


def content_security_policy(frame_ancestors: list[str]) -> dict:
    """Only our own scripts, styles and images, framed only by ``frame_ancestors``."""
    return {
        "default-src": "'self'",
        "img-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": " ".join(frame_ancestors),
    }


def policy_header(policy: dict) -> str:
    return "; ".join(f"{directive} {sources}" for directive, sources in policy.items())


# Pages are never framed; the embed view (poll.polls.embed) is the one page that is,
# and sends its own policy naming the poll's sites (Talisman is told to leave it).
PAGE_FRAME_ANCESTORS = ["'none'"]
EMBED_VIEW_OPTIONS = {"frame_options": None, "content_security_policy": None}


PRIVATE_PAGE_CACHE = "private, no-cache"
# A page telling its reader of their own unpublished comments (poll page, card): no cache keeps it.
AUTHORS_OWN_PAGE_HEADERS = {"Cache-Control": "private, no-store"}


def keep_pages_private(response: Response) -> Response:
    """after_request: every page carries its reader's own CSRF token, and many their vote,
    their comments' status or a moderator's reason: a shared cache must never keep one
    (``Vary: Cookie`` alone lets a misbehaving proxy try). Views that set their own
    Cache-Control (the admin's no-store, public JSON and oEmbed) keep it."""
    if response.mimetype == "text/html" and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = PRIVATE_PAGE_CACHE
    return response


def init_security(app: Flask) -> None:
    """With HTTPS=1, plain requests are redirected, HSTS is sent and cookies are Secure;
    pages are never kept by shared caches."""
    app.after_request(keep_pages_private)
    https = app.config["HTTPS"]
    talisman.init_app(
        app,
        force_https=https,
        strict_transport_security=https,
        session_cookie_secure=https,
        content_security_policy=content_security_policy(PAGE_FRAME_ANCESTORS),
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )


# Data, not a page (poll.polls.api): nothing may load from it or frame it.
API_CONTENT_SECURITY_POLICY = {"default-src": "'none'", "frame-ancestors": "'none'"}
API_VIEW_OPTIONS = {"content_security_policy": API_CONTENT_SECURITY_POLICY, "frame_options": "DENY"}


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT proxies, take the client's address and scheme from
    their X-Forwarded-* headers (for pages and JSON alike: call this last)."""
    proxies = app.config["PROXY_COUNT"]
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to wrap it
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )


# Start-up checks (gunicorn.conf.py) ----------------------------------------

SHARED_STORAGE_EXAMPLE = "RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0"


def served_settings(instance_path: str | Path, environ: Mapping[str, str] | None = None) -> FlaskConfig:
    """The settings ``create_app()`` will serve with, in its order (environment,
    then instance/config.py), read without building the app."""
    settings = FlaskConfig(str(instance_path))
    load_served_settings(settings, str(instance_path), environ)
    return settings


def unshared_limits_refusal(workers: int, settings: Mapping) -> str | None:
    """Why serving with ``workers`` processes would count rate limits per process, or None.

    ``memory://`` keeps counts inside one process: every further worker would
    multiply each limit and forget its counts when it restarts.
    """
    storage = settings.get("RATELIMIT_STORAGE_URI", "memory://")
    if workers <= 1 or not settings.get("RATELIMIT_ENABLED", True) or not storage.startswith("memory://"):
        return None
    return (
        f"Refusing to start {workers} workers with RATELIMIT_STORAGE_URI={storage}: each worker would "
        f"count rate limits alone (votes, comments, login attempts), so every limit would be {workers} "
        f"times too generous and forgotten whenever a worker restarts. Set {SHARED_STORAGE_EXAMPLE} "
        "(any Redis every worker reaches), or serve with one worker (WEB_CONCURRENCY=1; its threads "
        "share one count)."
    )


def bind_host(bind: str) -> str | None:
    """The host of a gunicorn bind (``host:port``, ``[v6]:port``, ``host``); None for
    unix sockets and inherited descriptors, which no other machine reaches."""
    if bind.startswith(("unix:", "fd://")):
        return None
    if bind.startswith("["):
        return bind[1:].partition("]")[0]
    if bind.count(":") > 1:
        return bind  # a bare IPv6 address
    return bind.rpartition(":")[0] if ":" in bind else bind


def is_public_address(address: str) -> bool:
    """Reachable from other networks: not loopback, private or link-local.
    The wildcard addresses (0.0.0.0, ::) listen on every interface: public."""
    ip = ipaddress.ip_address(address)
    if ip.is_unspecified:
        return True
    return not (ip.is_loopback or ip.is_private or ip.is_link_local)


def is_public_bind(bind: str) -> bool:
    """Whether a gunicorn bind listens where other networks may reach it
    (a host name counts as public if any of its addresses is)."""
    host = bind_host(bind)
    if host is None:
        return False
    if host in ("", "localhost"):
        return host == ""  # "" is gunicorn's "every interface"
    try:
        return is_public_address(host)
    except ValueError:
        pass
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return True  # cannot tell: warn rather than stay silent
    return any(is_public_address(str(address).partition("%")[0]) for address in addresses)


def proxy_bind_warning(proxy_count: int, binds: Iterable[str]) -> str | None:
    """Why trusting ``proxy_count`` proxies is unsafe on these binds, or None.

    The app takes the client's address from X-Forwarded-For; a client that can
    reach the app server directly writes that header itself, and every vote
    and login limit keyed on the address is gone.
    """
    public = [bind for bind in binds if is_public_bind(bind)]
    if not proxy_count or not public:
        return None
    return (
        f"PROXY_COUNT={proxy_count} trusts X-Forwarded-For, but gunicorn listens on {', '.join(public)}, "
        "which other machines may reach: a client that bypasses the proxy can send any address and "
        "escape every per-address limit. Bind to 127.0.0.1 (or a private address only the proxy "
        "reaches), or firewall the port."
    )

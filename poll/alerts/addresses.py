"""Which webhook URLs may be called: HTTPS to a public address, unless WEBHOOK_ALLOW_PRIVATE.

A newsroom's receiver lives on the internet; a URL that points at this server's own network
(loopback, private ranges, link-local cloud metadata at 169.254.169.254) would let an admin
account, or whoever steals one, make the server probe its neighbours. WEBHOOK_ALLOW_PRIVATE=1
(development, tests, a receiver on the newsroom's own network) allows plain http and such addresses.
The address is checked when the URL is saved (a literal IP, "localhost") and again, resolved, before
every delivery (a name that now points somewhere private)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from poll.database.models import URL_MAX_LENGTH


class UnsafeAddress(Exception):
    """A webhook URL that may not be called; the message says why, for the admin."""


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global


def url_problem(url: str, allow_private: bool) -> str | None:
    """Why ``url`` cannot be a webhook endpoint, or None when it can."""
    if len(url) > URL_MAX_LENGTH:
        return f"Please keep the URL to {URL_MAX_LENGTH} characters or fewer: it has {len(url):,}."
    if not url.isprintable() or any(char.isspace() for char in url):
        return "A URL cannot hold spaces or invisible characters."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "That is not a URL this site can call: please check the port and the brackets."
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes:
        return "Please give an https:// URL." if not allow_private else "Please give an http(s):// URL."
    host = parts.hostname or ""
    if not host:
        return "Please give the receiver's host name, as in https://hooks.example.org/debate-poll."
    if parts.username or parts.password:
        return "Please leave user names and passwords out of the URL: deliveries are signed instead."
    if port == 0:
        return "Port 0 cannot be called."
    if allow_private:
        return None
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return "That host is on this server's own network; please give a public receiver."
    try:
        private = _is_private(host)
    except ValueError:  # a name: resolved before each delivery
        return None
    if private:
        return "That address is private, loopback or link-local; please give a public receiver."
    return None


def check_before_sending(url: str, allow_private: bool) -> None:
    """Raise UnsafeAddress when ``url`` is refused now (its name resolving to a private address)."""
    problem = url_problem(url, allow_private)
    if problem:
        raise UnsafeAddress(problem)
    if allow_private:
        return
    parts = urlsplit(url)
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise UnsafeAddress(f"the host name could not be resolved ({error})") from error
    if any(_is_private(str(info[4][0])) for info in found):
        raise UnsafeAddress("the host name resolves to a private, loopback or link-local address")

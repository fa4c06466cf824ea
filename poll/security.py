"""HTTP security headers (Flask-Talisman) and the client address behind proxies."""

from flask import Flask
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import api_talisman, talisman


def content_security_policy(embed_origins: list[str]) -> dict:
    """Only our own scripts, styles and images; embeddable only where configured."""
    return {
        "default-src": "'self'",
        "img-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": " ".join(["'self'", *embed_origins]),
    }


def init_security(app: Flask) -> None:
    embed_origins = app.config["EMBED_ORIGINS"]
    # X-Frame-Options names one origin at most; with embedding sites the CSP decides alone.
    frame_options = None if embed_origins else "SAMEORIGIN"
    _init_talisman(talisman, app, content_security_policy(embed_origins), frame_options)


# Data, not a page: nothing may load from it or frame it.
API_CONTENT_SECURITY_POLICY = {"default-src": "'none'", "frame-ancestors": "'none'"}


def init_api_security(api: Flask) -> None:
    _init_talisman(api_talisman, api, API_CONTENT_SECURITY_POLICY, "DENY")


def _init_talisman(extension: Talisman, app: Flask, policy: dict, frame_options: str | None) -> None:
    """The same HTTPS rules and referrer policy for pages and JSON: with HTTPS=1,
    plain requests are redirected, HSTS is sent and cookies are Secure."""
    https = app.config["HTTPS"]
    extension.init_app(
        app,
        force_https=https,
        strict_transport_security=https,
        session_cookie_secure=https,
        content_security_policy=policy,
        frame_options=frame_options,
        referrer_policy="strict-origin-when-cross-origin",
    )


def trust_proxies(app: Flask) -> None:
    """Behind PROXY_COUNT proxies, take the client's address and scheme from
    their X-Forwarded-* headers (for pages and JSON alike: call this last)."""
    proxies = app.config["PROXY_COUNT"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

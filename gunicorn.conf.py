"""gunicorn's settings for Debate Poll, read from the working directory by default
(`gunicorn wsgi:app` in the project folder; `-c FILE` names another).

Production runs behind nginx (deploy/nginx.conf), which buffers slow clients;
these settings keep the app answering even when it is reached without it.
Command-line flags override anything here (e.g. `--bind`, `--workers`).
"""

# Patched first, in the master too: the start-up check below imports the app (and with it ssl and
# redis), and a worker patched only after its fork would find them imported unpatched.
import gevent
from gevent import monkey

monkey.patch_all()

import os  # noqa: E402
from pathlib import Path  # noqa: E402

wsgi_app = "wsgi:app"
bind = ["127.0.0.1:8000"]  # loopback: only the proxy on this machine reaches the app

# One process by default: its greenlets share one rate-limit count even with
# RATELIMIT_STORAGE_URI=memory://. More processes need Redis (checked below).
workers = int(os.environ.get("WEB_CONCURRENCY") or 1)
# gevent workers: every connection is a greenlet, so clients that trickle their
# headers or bodies cost a few KiB each, not a thread (8 such clients used to
# stall every reader under 8 gthread threads), and the vote path pays no thread
# switching (gthread's 8 threads made it 0.6-1.0x Django's tutorial). The app
# does blocking work only in SQLite (short, and never across a yield) and in
# psycopg, which detects gevent and waits cooperatively. docs/deployment.md, "The serving model".
worker_class = "gevent"
# Connections one worker holds at once (readers, slow or not); beyond, new ones wait in the backlog.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS") or 1000)

# A request that takes longer than this is stuck: the worker is restarted.
timeout = 30
graceful_timeout = 20
# Idle keep-alive connections are dropped soon; nginx reconnects at no cost.
keepalive = 5
# The app needs short request lines and a few headers (votes are 64 KiB at most).
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# X-Forwarded-Proto/-For are believed only from the proxy (the app's own
# PROXY_COUNT decides which X-Forwarded-For entry is the client).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn 27's local control socket is one path per user: parallel servers
# (tests, benchmarks) would fight over it, and nothing here uses it.
control_socket_disable = True

INSTANCE_PATH = Path(__file__).resolve().parent / "instance"


def on_starting(server):
    """Refuse settings that would silently weaken the rate limits, warn about
    ones that may; both read the settings exactly as the app will."""
    # Imported here so that `gunicorn --check-config` and other apps' runs stay light.
    from poll.web.security import proxy_bind_warning, served_settings, unshared_limits_refusal

    settings = served_settings(INSTANCE_PATH)
    refusal = unshared_limits_refusal(server.cfg.workers, settings)
    if refusal:
        server.log.error(refusal)
        raise SystemExit(1)
    warning = proxy_bind_warning(settings.get("PROXY_COUNT", 0), server.cfg.bind)
    if warning:
        server.log.warning(warning)


def post_request(worker, req, environ, resp):
    """Yield to the worker's other connections after each answer. A keep-alive client whose next
    request is already waiting would otherwise be served again and again without a switch (its read
    never blocks), starving the rest: p99 1.2 s at 16 connections, measured, against 19 ms here."""
    gevent.sleep(0)

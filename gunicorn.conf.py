"""gunicorn's settings for Debate Poll, read from the working directory by default
(`gunicorn wsgi:app` in the project folder; `-c FILE` names another).

Production runs behind nginx (deploy/nginx.conf), which buffers slow clients;
these settings keep the app answering even when it is reached without it.
Command-line flags override anything here (e.g. `--bind`, `--workers`).
"""

import os
from pathlib import Path

wsgi_app = "wsgi:app"
bind = ["127.0.0.1:8000"]  # loopback: only the proxy on this machine reaches the app

# One process by default: its threads share one rate-limit count even with
# RATELIMIT_STORAGE_URI=memory://. More processes need Redis (checked below).
workers = int(os.environ.get("WEB_CONCURRENCY") or 1)
# Threads, not sync workers: a client that trickles its headers holds one thread
# (and gthread parks a silent connection back in its poller), never the process.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 8)

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
    from poll.security import proxy_bind_warning, served_settings, unshared_limits_refusal

    settings = served_settings(INSTANCE_PATH)
    refusal = unshared_limits_refusal(server.cfg.workers, settings)
    if refusal:
        server.log.error(refusal)
        raise SystemExit(1)
    warning = proxy_bind_warning(settings.get("PROXY_COUNT", 0), server.cfg.bind)
    if warning:
        server.log.warning(warning)

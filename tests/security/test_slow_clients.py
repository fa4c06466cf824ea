"""Finding 4: four connections trickling one header line every 3 s timed out
7 of 8 normal requests for 45 s (sync workers, no proxy). Under the project's
gunicorn.conf.py (threaded workers) other readers are still answered at once.
The < 1 s bound is the issue's own criterion; a normal request takes ~10 ms."""

import http.client
import secrets
import shutil
import socket
import subprocess
import threading
import time

import pytest

from bench.common import ROOT, AppServer, prepare_database

pytestmark = pytest.mark.slow

SLOW_CONNECTIONS = 4
NORMAL_REQUESTS = 8
POLL_PAGE = "/polls/north-korea-missile-response"


def trickle_headers(address: tuple[str, int], stop: threading.Event, ready: threading.Barrier) -> None:
    """A request whose headers never end: one more line every second."""
    with socket.create_connection(address, timeout=10) as connection:
        connection.sendall(f"GET {POLL_PAGE} HTTP/1.1\r\nHost: localhost\r\n".encode())
        ready.wait()
        line = 0
        while not stop.wait(1.0):
            line += 1
            try:
                connection.sendall(f"X-Slow-{line}: {'a' * 10}\r\n".encode())
            except OSError:
                return  # the server gave up on this client: all the better


def timed_get(host: str, port: int) -> tuple[int, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("GET", POLL_PAGE, headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return response.status, time.monotonic() - started


def test_slow_header_connections_leave_other_requests_answered_within_a_second(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'poll.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_STORAGE_URI": "memory://",
        "PROXY_COUNT": "0",
    }
    prepare_database(env)
    # One process, the default of gunicorn.conf.py.
    server = AppServer(env, workers=1, probe=POLL_PAGE).start()
    host, port = server.base_url.removeprefix("http://").split(":")
    stop = threading.Event()
    ready = threading.Barrier(SLOW_CONNECTIONS + 1)
    attackers = [
        threading.Thread(target=trickle_headers, args=((host, int(port)), stop, ready))
        for _ in range(SLOW_CONNECTIONS)
    ]
    try:
        for attacker in attackers:
            attacker.start()
        ready.wait(timeout=10)
        time.sleep(2.5)  # the slow clients are mid-request, two lines further on
        answers = []
        for _ in range(NORMAL_REQUESTS):
            answers.append(timed_get(host, int(port)))
            time.sleep(0.5)  # spread over the attack, as readers arrive
        assert [status for status, _ in answers] == [200] * NORMAL_REQUESTS
        assert max(seconds for _, seconds in answers) < 1.0, answers
    finally:
        stop.set()
        for attacker in attackers:
            attacker.join(timeout=10)
        server.stop()


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx)")
def test_the_shipped_nginx_server_block_is_valid(tmp_path):
    """deploy/nginx.conf is a server block: include it in a minimal main config."""
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\n"
        f"events {{}}\nhttp {{\n  access_log off;\n  include {ROOT / 'deploy' / 'nginx.conf'};\n}}\n"
    )
    nginx = shutil.which("nginx")
    checked = subprocess.run([nginx, "-t", "-c", str(main)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr

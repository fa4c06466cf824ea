"""Servers the tests run in a thread of their own process: the app for the browser, HTTPS test sites,
a webhook receiver."""

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# How often serve_forever looks for a shutdown. socketserver's default, 0.5 s, is what stopping a
# server then waits: it cost each browser test half a second at its end (46 s over the suite).
SHUTDOWN_POLL_SECONDS = 0.02


def serving_thread(server: socketserver.BaseServer) -> threading.Thread:
    """A daemon thread that serves ``server`` until ``server.shutdown()`` (not yet started)."""
    return threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS}, daemon=True
    )


@contextmanager
def served(server: socketserver.BaseServer) -> Iterator[socketserver.BaseServer]:
    """``server`` answering in a thread until the block ends; then stopped and its socket closed."""
    thread = serving_thread(server)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

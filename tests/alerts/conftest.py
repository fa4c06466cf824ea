"""Alerts fixtures: an app whose alert queue is a real SQLite huey in the test's folder, and real
loopback servers (an HTTP receiver, an SMTP server) to send to."""

import json
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from poll.alerts.tasks import alert_queue
from poll.database.column_types import utcnow
from poll.database.models import WebhookEndpoint
from poll.extensions import db
from tests.serving import serving_thread

# Retries without waiting: run_queue moves the clock on instead (WEBHOOK_RETRY_DELAY stays above 0 so
# that a retry is a scheduled task, as it is in production).
ALERT_SETTINGS = {
    "WEBHOOK_ALLOW_PRIVATE": True,
    "WEBHOOK_TIMEOUT": 5,
    "WEBHOOK_RETRY_DELAY": 10,
    "WEBHOOK_RETRY_BACKOFF": 3,
    "PUBLIC_URL": "https://polls.example.org",
}


@pytest.fixture
def app_config(tmp_path):
    """The shared ``app`` fixture, with its alert queue in this test's folder."""
    return {"TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'tasks.sqlite3'}", **ALERT_SETTINGS}


def run_queue(app, rounds: int = 10, etas: list | None = None) -> int:
    """What the consumer does, in this thread: run each queued task, then each scheduled retry as
    at its due time (huey is told the clock reads the retry's eta instead of waiting for it).
    Returns how many tasks ran; ``etas`` collects the retries' due times."""
    huey = alert_queue(app).huey
    ran = 0
    for _ in range(rounds):
        tasks = []
        while (task := huey.dequeue()) is not None:
            tasks.append(task)
        if not tasks:
            tasks = huey.read_schedule(datetime(9999, 1, 1))
            if etas is not None:
                etas.extend(task.eta for task in tasks)
        if not tasks:
            break
        for task in tasks:
            huey.execute(task, timestamp=task.eta or huey._get_timestamp())
            ran += 1
    return ran


class Receiver:
    """A real HTTP server on loopback that keeps what it was sent and answers the codes it is told."""

    def __init__(self, answers: list[int]):
        self.answers = list(answers)
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = serving_thread(self.server)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def events(self) -> list[dict]:
        return [json.loads(item["body"]) for item in self.received]


@pytest.fixture
def receiver():
    made = []

    def start(answers=()):
        server = Receiver(list(answers))
        server.thread.start()
        made.append(server)
        return server

    yield start
    for server in made:
        server.server.shutdown()
        server.server.server_close()


def register(app, url: str, events: list[str], enabled: bool = True) -> tuple[int, str]:
    """An endpoint stored directly (the admin pages are tested in tests/admin); its id and secret."""
    from poll.alerts.signing import new_secret

    with app.app_context():
        endpoint = WebhookEndpoint(
            url=url, events=events, secret=new_secret(), enabled=enabled, created_at=utcnow()
        )
        db.session.add(endpoint)
        db.session.commit()
        return endpoint.id, endpoint.secret

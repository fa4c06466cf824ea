"""The least a vote and a results read can do on this stack, for ``python -m bench.floor``.

A bare Flask app with only what every vote must pass through: Flask-WTF's CSRF
check (token in the signed session cookie), a Flask-Limiter limit, one insert
of the vote and one counter update committed on SQLite, and a redirect; and a
results read: one SELECT of the counters, as JSON. No templates, no ORM, no
voter-cookie signing, no poll-open check. With FLOOR_SECURITY_HEADERS=1,
Flask-Talisman adds the headers the app's JSON views send.
"""

import os
import sqlite3
from functools import cache

from flask import Flask, jsonify, redirect, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

from poll.web.security import API_CONTENT_SECURITY_POLICY

app = Flask(__name__)
app.secret_key = os.environ.get("SECRET_KEY")  # set by the benchmark that serves it
CSRFProtect(app)
limiter = Limiter(get_remote_address, app=app, storage_uri="memory://")
CHOICES = ("military", "diplomacy", "undecided")
if os.environ.get("FLOOR_SECURITY_HEADERS") == "1":
    Talisman(
        app,
        force_https=False,
        strict_transport_security=False,
        session_cookie_secure=False,
        content_security_policy=API_CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )

SCHEMA = """
CREATE TABLE IF NOT EXISTS vote (voter TEXT PRIMARY KEY, choice TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tally (choice TEXT PRIMARY KEY, votes INTEGER NOT NULL);
INSERT OR IGNORE INTO tally VALUES ('military', 0), ('diplomacy', 0), ('undecided', 0);
"""


@cache
def connection() -> sqlite3.Connection:
    """One connection per worker process (gunicorn's sync workers run one request at a time)."""
    database = sqlite3.connect(os.environ["FLOOR_DATABASE"], timeout=5, isolation_level=None)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA synchronous=NORMAL")
    return database


@app.get("/")
def ready() -> str:
    return "ready"


@app.post("/vote")
@limiter.limit("10000000 per minute")
def vote():
    choice = request.form.get("choice")
    if choice not in CHOICES:
        return "unknown choice", 400
    database = connection()
    database.execute("BEGIN IMMEDIATE")
    database.execute("INSERT INTO vote VALUES (?, ?)", (request.cookies["voter"], choice))
    database.execute("UPDATE tally SET votes = votes + 1 WHERE choice = ?", (choice,))
    database.execute("COMMIT")
    return redirect("/results", 303)


@app.get("/results.json")
def results():
    rows = connection().execute("SELECT choice, votes FROM tally ORDER BY choice").fetchall()
    return jsonify(total=sum(votes for _, votes in rows), choices=dict(rows))

"""Vote integrity under load: real gunicorn servers, real HTTP, exact tallies.

Each simulated voter behaves like a browser: it opens the poll (session cookie
and CSRF token), then votes several times, sometimes firing three submissions
at once as a double-clicking reader does, and always ends with one plain vote
whose choice is its ground truth. Many voters are in flight at the same time
and share addresses (homes, offices), which reach the app through one trusted
proxy. A ballot stuffer may join from one address, dropping its voter cookie
before every vote.

Afterwards :func:`verify` reads every voter's recorded vote back through
``results.json`` and the tallies from the database, and lists every way in
which they differ from the ground truth.
"""

import http.client
import json
import os
import random
import secrets
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import psycopg
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .common import CSRF_FIELD, AppServer, prepare_database

SLUG = "north-korea-missile-response"
CHOICES = ("military", "diplomacy", "undecided")
VOTE_PATH = f"/polls/{SLUG}/vote"
POLL_PATH = f"/polls/{SLUG}"
RESULTS_PATH = f"/polls/{SLUG}/results.json"
# The ballot stuffer's allowance from its one address. Counted per day, not per
# minute: on a slow or busy machine its 200 attempts can span several minutes,
# and a per-minute window would let a different number through on every machine.
# (Shared addresses bring 40 attempts each, well under it.)
STUFFER_ALLOWANCE = 120
VOTE_ACCEPTED = 302  # the redirect to the results after a vote is stored
REDIS_URL = "redis://127.0.0.1:6379/0"
# The PostgreSQL server the benchmarks make their scratch databases on (beside the database named).
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# A browser's reader clicks again after a "busy" page; give up after this many.
MAX_BUSY_RETRIES = 20


@dataclass(frozen=True)
class LoadPlan:
    voters: int = 1_000
    attempts_per_voter: int = 10
    addresses: int = 250
    concurrency: int = 48
    burst_share: float = 0.5
    steady_share: float = 0.2
    stuffer_attempts: int = 0
    seed: int = 2026

    @property
    def attempts(self) -> int:
        return self.voters * self.attempts_per_voter + self.stuffer_attempts

    def voter_script(self, rng: random.Random) -> list[list[str]]:
        """Groups of choices, each group sent at the same moment, groups in order.

        The first and last groups are single votes: the first obtains the
        voter cookie, the last is the ground truth.
        """
        steady = rng.random() < self.steady_share
        favourite = rng.choice(CHOICES)

        def pick() -> str:
            return favourite if steady else rng.choice(CHOICES)

        sizes = [1] * self.attempts_per_voter
        if self.attempts_per_voter >= 5 and rng.random() < self.burst_share:
            sizes = [1] * (self.attempts_per_voter - 3)
            sizes.insert(rng.randrange(1, len(sizes)), 3)
        return [[pick() for _ in range(size)] for size in sizes]


@dataclass
class Attempt:
    voter: int
    choice: str
    sent: float
    received: float | None = None
    status: int | None = None
    busy_retries: int = 0

    @property
    def succeeded(self) -> bool:
        return self.status == VOTE_ACCEPTED

    @property
    def answered(self) -> bool:
        return self.status is not None


class ServerGone(Exception):
    """The connection failed: the server was killed or refused it."""


class Browser:
    """One voter's cookies, CSRF token and address; requests go round-robin
    over the given servers, as behind a load balancer."""

    def __init__(self, servers: list[AppServer], address: str, offset: int = 0):
        self.servers = servers
        self.address = address
        self.cookies: dict[str, str] = {}
        self.csrf_token = ""
        self._turn = offset

    def request(self, method: str, path: str, body: dict | None = None) -> http.client.HTTPResponse:
        server = self.servers[self._turn % len(self.servers)]
        self._turn += 1
        connection = http.client.HTTPConnection(server.base_url.removeprefix("http://"), timeout=60)
        headers = {"X-Forwarded-For": self.address, "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        payload = None
        if body is not None:
            payload = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            response.data = response.read()
        except (OSError, http.client.HTTPException) as error:
            raise ServerGone(str(error)) from error
        finally:
            connection.close()
        return response

    def keep_cookie(self, response: http.client.HTTPResponse, name: str) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            if name in cookie:
                self.cookies[name] = cookie[name].value

    def open_poll(self) -> None:
        response = self.request("GET", POLL_PATH)
        if response.status != 200:
            raise RuntimeError(f"poll page answered {response.status}")
        self.keep_cookie(response, "session")
        self.csrf_token = CSRF_FIELD.search(response.data.decode()).group(1)

    def vote(self, attempt: Attempt, retry_when_busy: bool) -> None:
        """Send one vote. The session cookie is not updated from the answer:
        the flash message it carries would only grow it, and the token stays valid."""
        while True:
            response = self.request(
                "POST", VOTE_PATH, {"csrf_token": self.csrf_token, "choice": attempt.choice}
            )
            attempt.received = time.monotonic()
            attempt.status = response.status
            if response.status == 503 and response.headers.get("Retry-After") is None:
                attempt.status = 599  # a busy answer must say when to come back
            if response.status != 503 or not retry_when_busy or attempt.busy_retries >= MAX_BUSY_RETRIES:
                break
            attempt.busy_retries += 1
            time.sleep(min(float(response.headers["Retry-After"]), 2.0) * random.random())
        if response.status == VOTE_ACCEPTED:
            self.keep_cookie(response, "voter")

    def my_choice(self) -> str | None:
        response = self.request("GET", RESULTS_PATH)
        if response.status == 403:
            return None  # results hidden: this browser has no vote
        if response.status != 200:
            raise RuntimeError(f"results.json answered {response.status}")
        return json.loads(response.data)["my_choice"]


@dataclass
class LoadRun:
    plan: LoadPlan
    attempts: list[Attempt] = field(default_factory=list)
    browsers: dict[int, Browser] = field(default_factory=dict)
    truth: dict[int, str] = field(default_factory=dict)
    stuffer: list[Attempt] = field(default_factory=list)
    seconds: float = 0.0
    stopped_early: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, attempt: Attempt) -> Attempt:
        with self._lock:
            self.attempts.append(attempt)
        return attempt

    @property
    def succeeded(self) -> int:
        return sum(attempt.succeeded for attempt in self.attempts)


STUFFER = -1


def run_load(
    servers: list[AppServer], plan: LoadPlan, stop: threading.Event | None = None, run: LoadRun | None = None
) -> LoadRun:
    """Send the plan's attempts, recording into ``run`` (so that others can
    watch it); every voter stops once ``stop`` is set or a server is gone."""
    stop = stop or threading.Event()
    run = run or LoadRun(plan)
    rng = random.Random(plan.seed)
    scripts = {voter: plan.voter_script(rng) for voter in range(plan.voters)}

    def address_of(voter: int) -> str:
        shared = voter % plan.addresses
        return f"10.{shared // 200}.{shared % 200}.7"

    def play(voter: int) -> None:
        browser = run.browsers[voter] = Browser(servers, address_of(voter), offset=voter)
        try:
            browser.open_poll()
            for group in scripts[voter]:
                if stop.is_set():
                    return
                if len(group) == 1:
                    browser.vote(run.record(Attempt(voter, group[0], time.monotonic())), retry_when_busy=True)
                else:
                    _vote_at_once(run, browser, voter, group)
            run.truth[voter] = scripts[voter][-1][0]
        except ServerGone:
            stop.set()

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=plan.concurrency + 1) as pool:
        stuffing = pool.submit(_stuff, run, servers, plan, stop) if plan.stuffer_attempts else None
        list(pool.map(play, range(plan.voters)))
        if stuffing is not None:
            stuffing.result()
    run.seconds = time.monotonic() - started
    run.stopped_early = stop.is_set()
    return run


def _vote_at_once(run: LoadRun, browser: Browser, voter: int, choices: list[str]) -> None:
    """Fire several submissions from one browser at the same moment."""
    gate = threading.Barrier(len(choices))
    gone = []

    def fire(choice: str) -> None:
        gate.wait()
        attempt = run.record(Attempt(voter, choice, time.monotonic()))
        try:
            browser.vote(attempt, retry_when_busy=False)
        except ServerGone as error:
            gone.append(error)

    threads = [threading.Thread(target=fire, args=(choice,)) for choice in choices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if gone:
        raise gone[0]


def _stuff(run: LoadRun, servers: list[AppServer], plan: LoadPlan, stop: threading.Event) -> None:
    """One address, no cookie kept: a new session and a new voter every time (a
    browser that keeps its session keeps its voter, even without the voter cookie)."""
    browser = Browser(servers, "192.0.2.66")
    try:
        for _ in range(plan.stuffer_attempts):
            if stop.is_set():
                return
            browser.cookies.clear()
            browser.open_poll()
            attempt = Attempt(STUFFER, "military", time.monotonic())
            run.stuffer.append(attempt)
            browser.vote(attempt, retry_when_busy=True)
    except ServerGone:
        stop.set()


# Verification ---------------------------------------------------------------


@dataclass
class Verdict:
    problems: list[str]
    statuses: Counter
    busy_answers: int
    tallies: dict[str, int]
    checked_voters: int

    @property
    def ok(self) -> bool:
        return not self.problems


def database_tallies(database_url: str) -> tuple[dict[str, int], dict[str, int]]:
    """(counter columns, votes counted row by row) per choice key."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            counters = dict(
                connection.execute(
                    text(
                        "SELECT c.key, COALESCE(SUM(s.vote_count), 0) FROM choice c"
                        " LEFT JOIN choice_vote_slot s ON s.choice_id = c.id GROUP BY c.key"
                    )
                ).all()
            )
            counted = dict(
                connection.execute(
                    text(
                        "SELECT c.key, COUNT(v.id) FROM choice c"
                        " LEFT JOIN vote v ON v.choice_id = c.id GROUP BY c.key"
                    )
                ).all()
            )
    finally:
        engine.dispose()
    return counters, counted


def candidates(attempts: list[Attempt]) -> set[str]:
    """Choices the database may hold for one voter: any successful or
    unanswered attempt not followed by a success that began after it ended."""
    successes = [attempt for attempt in attempts if attempt.succeeded]
    possible = set()
    for attempt in attempts:
        if attempt.answered and not attempt.succeeded:
            continue
        ended = attempt.received if attempt.succeeded else float("inf")
        if not any(later.sent > ended for later in successes):
            possible.add(attempt.choice)
    return possible


def verify(run: LoadRun, servers: list[AppServer], database_url: str, crashed: bool = False) -> Verdict:
    problems: list[str] = []
    everything = run.attempts + run.stuffer
    statuses = Counter(attempt.status for attempt in everything)
    busy = sum(attempt.busy_retries for attempt in everything) + statuses.get(503, 0)

    for status in statuses:
        if status is not None and status >= 500 and status != 503:
            problems.append(f"{statuses[status]} answers with status {status}")
    if statuses.get(None) and not crashed:
        problems.append(f"{statuses[None]} attempts got no answer")
    unexpected = {status for status in statuses if status not in {VOTE_ACCEPTED, 503, None, 429}}
    if unexpected:
        problems.append(f"unexpected statuses {sorted(unexpected)}")
    refused_voters = sum(attempt.status == 429 for attempt in run.attempts)
    if refused_voters:
        problems.append(f"{refused_voters} ordinary voters' attempts were rate limited")

    by_voter: dict[int, list[Attempt]] = {}
    for attempt in run.attempts:
        by_voter.setdefault(attempt.voter, []).append(attempt)

    checked = 0
    for voter, attempts in by_voter.items():
        browser = run.browsers[voter]
        if "voter" not in browser.cookies:
            continue  # never answered: nothing of this browser's can be read back
        browser.servers = servers
        stored = browser.my_choice()
        checked += 1
        allowed = {run.truth[voter]} if voter in run.truth and not crashed else candidates(attempts)
        if any(attempt.succeeded for attempt in attempts) and stored is None:
            problems.append(f"voter {voter}: a confirmed vote is missing")
        elif stored is not None and stored not in allowed:
            problems.append(f"voter {voter}: stored {stored!r}, expected one of {sorted(allowed)}")

    counters, counted = database_tallies(database_url)
    if counters != counted:
        problems.append(f"counters {counters} differ from the votes table {counted}")
    if not crashed:
        expected = Counter(run.truth.values())
        expected["military"] += sum(attempt.succeeded for attempt in run.stuffer)
        expected_tallies = {key: expected.get(key, 0) for key in CHOICES}
        if counted != expected_tallies:
            problems.append(f"tallies {counted} differ from the ground truth {expected_tallies}")
        if len(run.truth) != run.plan.voters:
            problems.append(f"only {len(run.truth)} of {run.plan.voters} voters finished")
    return Verdict(problems, statuses, busy, counted, checked)


def stuffer_problems(run: LoadRun) -> list[str]:
    """With one shared limit store the stuffer gets exactly its allowance,
    however long its attempts take; per-process counts would let more through."""
    accepted = sum(attempt.succeeded for attempt in run.stuffer)
    limited = sum(attempt.status == 429 for attempt in run.stuffer)
    expected = min(STUFFER_ALLOWANCE, len(run.stuffer))
    if accepted != expected or accepted + limited != len(run.stuffer):
        return [f"stuffer: {accepted} accepted, {limited} limited of {len(run.stuffer)}; expected {expected}"]
    return []


# Environments ---------------------------------------------------------------


def prepared_env(database_url: str) -> dict[str, str]:
    """Migrate and seed the database; return the servers' environment: a new
    secret and rate-limit prefix per run, limits shared in Redis, one proxy."""
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "PROXY_COUNT": "1",
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"load-{secrets.token_hex(4)}",
        "VOTE_LIMIT_PER_IP": f"{STUFFER_ALLOWANCE} per day;2000 per hour",
        # Every stuffer vote is a new voter: the same allowance under the new-voter limit.
        "NEW_VOTER_LIMIT_PER_IP": f"{STUFFER_ALLOWANCE} per day",
        # At most 8 connections per worker (its other requests wait for one): a run's 4 workers hold
        # 32, so the two runs the suite's two processes may hold at once stay well below a server's
        # 100 connections (with 15 per worker, two runs took 96 and the other tests found none).
        "DATABASE_POOL_SIZE": "4",
        "DATABASE_MAX_OVERFLOW": "4",
    }
    prepare_database(env)
    return env


def _psycopg_url(server_url: str) -> str:
    """``server_url`` (an SQLAlchemy URL) as psycopg connects to it."""
    return make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server of ``server_url``, dropped afterwards."""
    url = make_url(server_url)
    name = f"{url.database}_load_{secrets.token_hex(4)}"
    admin = _psycopg_url(server_url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_available(server_url: str) -> bool:
    try:
        with psycopg.connect(_psycopg_url(server_url), connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@contextmanager
def servers_running(env: dict[str, str], count: int = 1, workers: int = 4) -> Iterator[list[AppServer]]:
    servers = [AppServer(env, workers, probe=POLL_PATH) for _ in range(count)]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


# Scenarios ------------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    run: LoadRun
    verdict: Verdict
    killed_after: int | None = None

    @property
    def problems(self) -> list[str]:
        return self.verdict.problems

    def summary(self) -> str:
        run, verdict = self.run, self.verdict
        sent = len(run.attempts) + len(run.stuffer)
        line = (
            f"{self.name:<34} {sent:>6} attempts in {run.seconds:5.1f} s ({sent / run.seconds:4.0f}/s, "
            f"p99 {vote_p99_ms(run.attempts + run.stuffer):5.1f} ms)  "
            f"statuses {dict(sorted(verdict.statuses.items(), key=lambda item: str(item[0])))}  "
            f"busy {verdict.busy_answers}  voters read back {verdict.checked_voters}  "
            f"tallies {verdict.tallies}"
        )
        if self.killed_after is not None:
            line += f"  killed after {self.killed_after} confirmed votes"
        verdict_text = "OK" if verdict.ok else "PROBLEMS: " + "; ".join(verdict.problems[:5])
        return f"{line}\n{'':<34} {verdict_text}"


def vote_p99_ms(attempts: list[Attempt]) -> float:
    """The 99th percentile of the answered attempts' time from sending to the answer
    (busy retries included: a reader waits through them)."""
    waits = sorted(attempt.received - attempt.sent for attempt in attempts if attempt.received is not None)
    return 1000 * waits[min(len(waits) - 1, int(len(waits) * 0.99))] if waits else float("nan")


def integrity_run(database_url: str, plan: LoadPlan, processes: int = 1, workers: int = 4) -> Outcome:
    """The whole plan against ``processes`` app servers; exact tallies expected."""
    env = prepared_env(database_url)
    with servers_running(env, processes, workers) as servers:
        run = run_load(servers, plan)
        verdict = verify(run, servers, database_url)
    if plan.stuffer_attempts:
        verdict.problems.extend(stuffer_problems(run))
    name = f"{make_url(database_url).get_backend_name()}, {processes} process(es) x {workers} workers"
    return Outcome(name, run, verdict)


def crash_run(database_url: str, plan: LoadPlan, kill_after: int, workers: int = 4) -> Outcome:
    """kill -9 the server once ``kill_after`` votes were confirmed, restart it on
    the same database, then check that every confirmed vote is there."""
    env = prepared_env(database_url)
    run = LoadRun(plan)
    stop = threading.Event()
    server = AppServer(env, workers, probe=POLL_PATH).start()

    def killer() -> None:
        while not stop.is_set():
            if run.succeeded >= kill_after:
                server.kill()
                return
            time.sleep(0.005)

    watcher = threading.Thread(target=killer)
    watcher.start()
    try:
        run_load([server], plan, stop, run)
    finally:
        stop.set()
        watcher.join()
        server.stop()
    with servers_running(env, 1, workers) as restarted:
        verdict = verify(run, restarted, database_url, crashed=True)
    if not run.stopped_early:
        verdict.problems.append("the load finished before the server was killed")
    name = f"{make_url(database_url).get_backend_name()}, kill -9 mid-load"
    return Outcome(name, run, verdict, killed_after=kill_after)

"""Shared pieces of the benchmarks: servers on loopback, wrk runs, reporting."""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# gunicorn's own defaults (sync workers, no project hooks): for benchmarks that
# compare apps with each other under one plain server, not the server itself.
PLAIN_GUNICORN = os.devnull
# Every benchmark request comes from 127.0.0.1, so the per-address vote limits would
# measure the limiter instead of the app: the benchmarks lift them.
LIFTED_VOTE_LIMITS = {
    "VOTE_LIMIT_PER_IP": "10000000 per minute",
    "NEW_VOTER_LIMIT_PER_IP": "10000000 per minute",
}
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def prepare_database(env: dict) -> None:
    """Build the schema with the migrations and seed the debate poll, as `make run` does
    (``env`` names the database in DATABASE_URL)."""
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    full_env = {**os.environ, **env}
    for command in (["db", "upgrade"], ["seed"]):
        done = subprocess.run([*flask, *command], cwd=ROOT, env=full_env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"flask {' '.join(command)} failed:\n{done.stderr[-2000:]}")


def bench_setup(
    prefix: str, extra_env: dict, seconds: int, connections: int, trials: int
) -> tuple[Path, dict]:
    """A scratch folder and the environment every server of the run shares (a fresh SQLite file,
    or BENCH_DATABASE_URL), migrated and seeded; prints the run's conditions first."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    database_url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {"DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(32), **extra_env}
    os.environ.update(env)
    print(
        f"database: {database_url.split('@')[-1]}   wrk: {seconds}s, {connections} connections, 2 threads, "
        f"best of {trials} alternating runs"
    )
    prepare_database(env)
    return workdir, env


# Each measured command starts from a small, fresh interpreter: a child's peak
# RSS as the kernel reports it is at least the RSS of the process that forked
# it, and the benchmark's own process holds the whole app and its test data.
_LAUNCHER = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.call(sys.argv[1:])
elapsed = time.perf_counter() - started
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def run_measured(command: list[str], stdout_path: Path, env: dict) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one command, its output written to ``stdout_path``."""
    launcher = [sys.executable, "-I", "-S", "-c", _LAUNCHER, *command]
    with stdout_path.open("wb") as out:
        completed = subprocess.run(launcher, stdout=out, stderr=subprocess.PIPE, cwd=ROOT, env=env, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{completed.stderr[-2000:]}")
    seconds, peak_kib = completed.stderr.split()[-2:]
    return float(seconds), int(peak_kib) / 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 (loopback only)
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start")


class AppServer:
    """A WSGI app under gunicorn on a free loopback port, in its own process
    group, so that kill -9 takes the master and every worker at once, as a
    crashed host would.

    gunicorn reads the project's gunicorn.conf.py (threads, timeouts, the
    shared-limits check) unless ``config`` names another file: a benchmark
    comparing apps under plain gunicorn passes ``os.devnull``."""

    def __init__(
        self,
        env: dict,
        workers: int = 2,
        app_spec: str = "wsgi:app",
        probe: str = "/",
        config: str | None = None,
        extra_args: tuple[str, ...] = (),
    ):
        self.env = env
        self.config = config
        self.extra_args = extra_args
        self.workers = workers
        self.app_spec = app_spec
        self.probe = probe
        self.process: subprocess.Popen | None = None
        self.base_url = ""

    def command(self, port: int) -> list[str]:
        return [
            str(BIN / "gunicorn"),
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *(["--config", self.config] if self.config else []),
            *self.extra_args,
            self.app_spec,
        ]

    def start(self) -> "AppServer":
        port = free_port()
        self.process = subprocess.Popen(
            self.command(port), cwd=ROOT, env={**os.environ, **self.env}, start_new_session=True
        )
        self.base_url = f"http://127.0.0.1:{port}"
        wait_until_up(self.base_url + self.probe, timeout=30)
        return self

    def worker_pids(self) -> list[int]:
        """The master's live worker processes (Linux: read from /proc)."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue  # gone meanwhile
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def gunicorn(app_spec: str, env: dict, workers: int = 2, probe: str = "/", config: str | None = None):
    """Serve ``app_spec`` under gunicorn for the duration; yield its base URL."""
    server = AppServer(env, workers, app_spec, probe, config)
    try:
        yield server.start().base_url
    finally:
        server.stop()


@dataclass
class LoadResult:
    requests_per_second: float
    p99_ms: float
    requests: int
    bad_responses: int
    socket_errors: int  # connect, read and write errors
    timeouts: int = 0  # requests wrk gave up on (its --timeout, 2 s unless given)


def _to_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    url: str,
    seconds: int,
    connections: int,
    script: Path | None = None,
    env: dict | None = None,
    timeout: str | None = None,
) -> LoadResult:
    """One wrk run (bounded in time, loopback only) parsed into figures; ``env`` adds
    to the environment its script reads (runs side by side each need their own);
    ``timeout`` replaces wrk's 2 s, past which a request is dropped from the latencies."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the benchmark: apt-get install wrk")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script is not None:
        command[1:1] = ["-s", str(script)]
    if timeout is not None:
        command[1:1] = ["--timeout", timeout]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, env={**os.environ, **(env or {})}
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = _to_ms(re.search(r"\s99%\s+([\d.]+\w+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return LoadResult(
        requests_per_second=rps,
        p99_ms=p99,
        requests=requests,
        bad_responses=int(bad.group(1)) if bad else 0,
        socket_errors=sum(int(n) for n in errors.groups()[:3]) if errors else 0,
        timeouts=int(errors.group(4)) if errors else 0,
    )


def fastest(runs) -> LoadResult:
    """The run with the most requests per second: benchmarks keep the best of their trials."""
    return max(runs, key=lambda run: run.requests_per_second)


def report_row(name: str, result: LoadResult, baseline: LoadResult, target: float | None = None) -> str:
    ratio = result.requests_per_second / baseline.requests_per_second
    verdict = "" if target is None else ("  ok" if ratio >= target else f"  BELOW target {target:.2f}x")
    return (
        f"{name:<34} {result.requests_per_second:>9.0f} req/s  p99 {result.p99_ms:>7.1f} ms  "
        f"{ratio:>5.2f}x hello-world  (bad {result.bad_responses}, socket errors {result.socket_errors}, "
        f"timeouts {result.timeouts})"
        f"{verdict}"
    )

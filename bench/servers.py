"""The app server under test: gunicorn with the repository's gunicorn.conf.py, DEBUG off, on the bench database."""

import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from .common import ROOT, STATE, VENV_BIN, log


def environment(*, port: int, database_url: str, redis_url: str) -> dict[str, str]:
    """The production configuration, with the bench's own database and Redis and nothing that would throttle it."""
    secret = ROOT / "var" / "secret-key"
    if not secret.exists():
        secret.parent.mkdir(exist_ok=True)
        secret.write_text(secrets.token_urlsafe(50) + "\n")
        secret.chmod(0o600)
    return {
        "DJANGO_SETTINGS_MODULE": "soundtrack_site.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECRET_KEY": secret.read_text().strip(),
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": redis_url,
        "SITE_URL": f"http://127.0.0.1:{port}",
        "EMAIL_URL": "dummymail://",
        "BENCH_ENABLED": "1",
        "COMMENTS_RATE_LIMIT": "1000000",
        "COMMENTS_MIN_SECONDS_TO_POST": "0",
        "GUNICORN_ACCESS_LOG": "",  # a proxy in front keeps the access log; here it would only cost time
        "DJANGO_LOG_LEVEL": "WARNING",
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(
    url: str, *, cookie: str | None = None, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict, bytes]:
    """One request (a POST when there is ``data``), redirects not followed: status, headers and the body as sent."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


REFERENCE_APP = "bench.reference.wsgi:application"


class AppServer:
    """gunicorn with the repository's gunicorn.conf.py: the site (its environment set up by
    ``database.setup_django``), or with ``arguments`` another WSGI app under the same server settings."""

    def __init__(
        self,
        base: str,
        *,
        arguments: tuple[str, ...] = (),
        environment: dict[str, str] | None = None,
        name: str = "gunicorn",
        ready_path: str = "/healthz",
    ):
        self.base = base
        self.arguments = arguments
        self.environment = environment
        self.name = name
        self.ready_path = ready_path
        self.process: subprocess.Popen | None = None

    def start(self) -> "AppServer":
        from django.db import connections

        connections.close_all()
        log(f"Starting {self.name} (gunicorn.conf.py)…")
        log_path = STATE / f"{self.name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_file = open(log_path, "w")  # noqa: SIM115 (kept open while the server runs)
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", *self.arguments],
            cwd=ROOT,
            env=self.environment if self.environment is not None else {**os.environ},
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        for _ in range(100):
            time.sleep(0.2)
            try:
                if fetch(self.base + self.ready_path)[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited; see {log_path}")
        raise SystemExit(f"{self.name} did not answer {self.ready_path} in 20 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.process:
            self.log_file.close()

    def booted_workers(self, count: int, timeout: float = 30) -> dict[int, int]:
        """``worker_rss()`` once ``count`` workers run (gunicorn forks them after it listens), or as it is then."""
        deadline = time.monotonic() + timeout
        while len(rss := self.worker_rss()) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return rss

    def worker_rss(self) -> dict[int, int]:
        """Resident memory (kB) of each gunicorn worker: the children of the master process."""
        rss = {}
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(self.process.pid):
                rss[int(fields["Pid"])] = int(fields["VmRSS"].split()[0])
        return rss


def reference_server(port: int, **environment: str) -> AppServer:
    """The bare Django app (bench/reference/) on ``port``, under the site's gunicorn.conf.py: the same worker class,
    count, keep-alive and timeouts, and no access log, as the site has in the bench."""
    return AppServer(
        f"http://127.0.0.1:{port}",
        # The app in place of the site's; no control socket, which the site's master already holds at its default path.
        arguments=("--no-control-socket", REFERENCE_APP),
        environment={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.reference.settings",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "GUNICORN_ACCESS_LOG": "",
            **environment,
        },
        name="reference",
        ready_path="/?bytes=1000",
    )

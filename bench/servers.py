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


def fetch(url: str, *, cookie: str | None = None, data: bytes | None = None) -> tuple[int, dict, bytes]:
    """One request (a POST when there is ``data``), redirects not followed: status, headers and body."""
    request = urllib.request.Request(url, data=data)
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class AppServer:
    """gunicorn started from this process's environment (set up by ``database.setup_django``)."""

    def __init__(self, base: str):
        self.base = base
        self.process: subprocess.Popen | None = None

    def start(self) -> "AppServer":
        from django.db import connections

        connections.close_all()
        log("Starting gunicorn (gunicorn.conf.py)…")
        self.log_file = open(STATE / "gunicorn.log", "w")  # noqa: SIM115 (kept open while the server runs)
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env={**os.environ},
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        for _ in range(100):
            time.sleep(0.2)
            try:
                if fetch(self.base + "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {STATE / 'gunicorn.log'}")
        raise SystemExit("gunicorn did not answer /healthz in 20 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

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

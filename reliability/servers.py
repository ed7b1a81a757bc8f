"""Servers a scenario owns: a throwaway PostgreSQL cluster, a throwaway Redis and gunicorn app servers.

Each is created on demand (in a temporary folder, on a free port), can be stopped and started again like the real
thing, and is removed afterwards. A missing tool fails with a message that says what to install.
"""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent


class ToolMissing(RuntimeError):
    """A program a scenario needs is not installed."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check: Callable[[], bool], *, what: str, timeout: float = 30, poll: float = 0.1) -> float:
    """Wait until ``check()`` is true; return the seconds it took."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(poll)
    return time.monotonic() - started


def stop_process(process: subprocess.Popen | None, *, timeout: float = 30) -> None:
    """SIGTERM, as a service manager stops a program (it finishes what it has in hand), then SIGKILL after
    ``timeout`` seconds."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def postgres_bindir() -> Path:
    """The newest PostgreSQL server binaries (initdb, pg_ctl, pg_dump of the same version)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if found:
        return found[-1].parent
    if initdb := shutil.which("initdb"):
        return Path(initdb).parent
    raise ToolMissing("PostgreSQL's server binaries (initdb, pg_ctl) are needed: apt-get install postgresql")


class PostgresCluster:
    """A PostgreSQL cluster of its own (trust auth on 127.0.0.1), in a temporary folder unless ``folder`` is
    given (then it is kept, and ``create()`` starts the cluster already there)."""

    def __init__(self, *, folder: Path | None = None, port: int | None = None):
        self.bindir = postgres_bindir()
        if folder:
            folder.mkdir(parents=True, exist_ok=True)
        self.dir = folder or Path(tempfile.mkdtemp(prefix="reliability-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.port = port or free_port()

    def run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bindir / program), *args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f"{program} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
        return result

    def create(self) -> "PostgresCluster":
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        if (self.data / "PG_VERSION").exists():
            self.configure_port()
            self.start()
            return self
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{self.dir}'\nmax_connections = 200\n"
            )
        self.configure_port()
        self.start()
        return self

    def configure_port(self) -> None:
        """The port goes in postgresql.auto.conf, which a later setting there overrides (a kept cluster's port can
        change from one start to the next)."""
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            conf.write(f"port = {self.port}\n")

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self) -> None:
        # "fast": what a service restart does; open connections are cut, open transactions roll back.
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str) -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True)

    def create_database(self, name: str) -> str:
        with self.connect("postgres") as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with suppress(RuntimeError):
                self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class RedisServer:
    """A Redis of its own, without persistence: stopping it loses every key, as losing the real one would."""

    def __init__(self, *, port: int | None = None):
        if not shutil.which("redis-server") or not shutil.which("redis-cli"):
            raise ToolMissing("redis-server and redis-cli are needed: apt-get install redis-server")
        self.dir = Path(tempfile.mkdtemp(prefix="reliability-redis-"))
        self.port = port or free_port()

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def start(self) -> "RedisServer":
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "yes", "--dir", str(self.dir), "--logfile", str(self.dir / "redis.log"),
             "--pidfile", str(self.dir / "redis.pid")],
            check=True,
        )  # fmt: skip
        wait_until(self.answers, what="Redis answering")
        return self

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True)
        wait_until(lambda: not self.answers(), what="Redis stopping")

    def destroy(self) -> None:
        if self.answers():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def app_environment(*, database_url: str, redis_url: str, secret_key: str, **overrides: str) -> dict[str, str]:
    """The production configuration (DEBUG off, PostgreSQL, Redis, persistent connections), with ``overrides``."""
    ours = ("DJANGO_", "DATABASE_", "REDIS_", "COMMENTS_")
    return {k: v for k, v in os.environ.items() if not k.startswith(ours)} | {
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_STATIC_MANIFEST": "0",  # WhiteNoise serves the source files: no collectstatic needed
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": redis_url,
        "EMAIL_URL": "dummymail://",
        "GUNICORN_ACCESS_LOG": "",
        **overrides,
    }


def manage(env: dict[str, str], *args: str) -> str:
    """Run a manage.py command with this environment; its output, or an error that shows it."""
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class AppServer:
    """gunicorn with the repository's gunicorn.conf.py, on a free port, logging to a file."""

    def __init__(self, env: dict[str, str], *, log: Path | None = None, port: int | None = None):
        self.env = env
        self.port = port or free_port()
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> "AppServer":
        output = open(self.log, "w") if self.log else subprocess.DEVNULL  # noqa: SIM115 (open while it runs)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        # Generous: on a busy CI machine several workers importing Django can take a while.
        wait_until(self._healthy, what=f"the app server on port {self.port} answering /healthz", timeout=120)
        return self

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"the app server exited ({self.process.returncode}); see {self.log or 'its output'}")
        try:
            return self.get("/healthz")[0] == 200
        except OSError:
            return False

    def stop(self) -> None:
        stop_process(self.process)

    def request(
        self, method: str, path: str, form: dict | None = None, *, timeout: float = 60
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
            conn.request(method, path, body=urlencode(form) if form is not None else None, headers=headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            conn.close()

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, form: dict):
        return self.request("POST", path, form)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""


def prepare_site(env: dict[str, str]) -> list[str]:
    """Migrate and load the demo site into the environment's database; the slugs of articles open to comments."""
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo_content")
    manage(env, "load_demo_discussion")
    slugs = manage(
        env,
        "shell",
        "--verbosity=0",
        "--command",
        "from articles.models import Article\n"
        "for slug in Article.objects.published().filter(comments_open=True).values_list('slug', flat=True)[:4]:\n"
        "    print(slug)",
    ).split()
    if not slugs:
        raise RuntimeError("the demo content has no published article open to comments")
    return slugs


@contextmanager
def throwaway_servers() -> Iterator[tuple[PostgresCluster, RedisServer]]:
    """A PostgreSQL cluster and a Redis of their own, removed afterwards whatever happens."""
    cluster = redis_server = None
    try:
        redis_server = RedisServer()
        cluster = PostgresCluster()
        redis_server.start()
        cluster.create()
        yield cluster, redis_server
    finally:
        if redis_server:
            redis_server.destroy()
        if cluster:
            cluster.destroy()

"""Connections to PostgreSQL, measured side by side: a new connection per request (Django's default on
PostgreSQL), persistent connections (DATABASE_CONN_MAX_AGE=600), Django's psycopg pool (DATABASE_POOL=1) and
PgBouncer in transaction mode (DATABASE_PGBOUNCER=1, a PgBouncer of its own on a free port), each at 5 and 20
gunicorn workers, with wrk on two pages no cache serves: the health check (one query: the connection's own cost laid
bare) and a search (a page's worth of queries and rendering).

`python -m bench.connections [--database-url ...] [--seconds 10]`; prints a Markdown table (requests/s, p50 and
p99 latency, errors, and the server connections PostgreSQL had open during the load) and writes the figures to
var/bench/connections.json. docs/SCALING.md ("Connections") says what was chosen and why.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from reliability.servers import AppServer, app_environment, free_port, manage, stop_process, wait_until

from .common import STATE, log
from .wrk import ensure_wrk, load

PAGES = ("/healthz", "/search/?q=score")
WORKERS = (5, 20)
SETUPS = {
    "new connection per request": {"DATABASE_CONN_MAX_AGE": "0"},
    "persistent connections": {"DATABASE_CONN_MAX_AGE": "600"},
    "Django's psycopg pool": {"DATABASE_POOL": "1"},
    "PgBouncer, transaction mode": {"DATABASE_PGBOUNCER": "1", "DATABASE_CONN_MAX_AGE": "0"},
}


class PgBouncer:
    """Debian's pgbouncer in front of one PostgreSQL, transaction pooling, trust auth, on a free port."""

    def __init__(self, database_url: str, *, pool_size: int = 20):
        if not shutil.which("pgbouncer") and not Path("/usr/sbin/pgbouncer").exists():
            raise SystemExit("pgbouncer is needed: apt-get install pgbouncer")
        self.server = urlsplit(database_url)
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="bench-pgbouncer-"))
        (self.dir / "users.txt").write_text(f'"{self.server.username}" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            f"[databases]\n* = host={self.server.hostname} port={self.server.port or 5432}\n"
            f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {self.dir}/users.txt\npool_mode = transaction\n"
            f"default_pool_size = {pool_size}\nmax_client_conn = 1000\n"
            f"logfile = {self.dir}/pgbouncer.log\nignore_startup_parameters = extra_float_digits,options\n"
        )
        self.process: subprocess.Popen | None = None

    def url(self) -> str:
        return self.server._replace(netloc=f"{self.server.username}@127.0.0.1:{self.port}").geturl()

    def start(self) -> "PgBouncer":
        command = [shutil.which("pgbouncer") or "/usr/sbin/pgbouncer", str(self.dir / "pgbouncer.ini")]
        if os.geteuid() == 0:  # it refuses to run as root
            shutil.chown(self.dir, "postgres")
            for path in self.dir.iterdir():
                shutil.chown(path, "postgres")
            command = ["runuser", "-u", "postgres", "--", *command]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_until(self._answers, what=f"PgBouncer on port {self.port} answering")
        return self

    def _answers(self) -> bool:
        try:
            with psycopg.connect(self.url(), prepare_threshold=None, connect_timeout=2) as connection:
                return connection.execute("SELECT 1").fetchone() == (1,)
        except psycopg.OperationalError:
            return False

    def stop(self) -> None:
        stop_process(self.process)
        shutil.rmtree(self.dir, ignore_errors=True)


def server_connections(database_url: str) -> int:
    """Connections PostgreSQL has open to the bench's database now (PgBouncer's included, this one not)."""
    database = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(database_url, autocommit=True) as connection:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        return connection.execute(query, [database]).fetchone()[0]


def measure(env: dict[str, str], *, database_url: str, workers: int, seconds: int, name: str, page: str) -> dict:
    """One server, warmed up, under wrk for ``seconds``; its figures and the connections seen half-way."""
    server = AppServer(env | {"WEB_CONCURRENCY": str(workers)}, log=STATE / f"connections-{name}.log").start()
    url = f"http://127.0.0.1:{server.port}{page}"
    try:
        status, _headers, _page = server.get(page)
        if status != 200:
            raise SystemExit(f"{page} answered {status}; see {server.log}")
        clients = 2 * workers
        # Warm up: every worker has imported its templates and opened what it keeps.
        load(url, folder=STATE, connections=clients, duration=max(3, workers // 2))
        seen = []
        sampler = threading.Timer(seconds / 2, lambda: seen.append(server_connections(database_url)))
        sampler.start()
        figures = load(url, folder=STATE, connections=clients, duration=seconds)
        sampler.join()
    finally:
        server.stop()
    return {
        "rps": figures["rps"],
        "p50_ms": round(figures["p50_ms"], 1),
        "p99_ms": round(figures["p99_ms"], 1),
        "errors": figures["errors"],
        "clients": clients,
        "server_connections": seen[0] if seen else None,
    }


def measure_setup(variables: dict, options, common: dict, *, page: str, workers: int, name: str) -> dict:
    """One setup's figures; behind a PgBouncer of its own, so that the server connections it keeps are not counted
    in the next setup."""
    bouncer = PgBouncer(options.database_url).start() if "DATABASE_PGBOUNCER" in variables else None
    try:
        url = bouncer.url() if bouncer else options.database_url
        env = app_environment(database_url=url, **common) | variables
        figures = measure(
            env, database_url=options.database_url, workers=workers, seconds=options.seconds, name=name, page=page
        )
    finally:
        if bouncer:
            bouncer.stop()
    return figures | {"load_average": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/soundtrack_connections"),
        help="a PostgreSQL database the bench may fill (migrated and loaded with the demo content)",
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11"))
    parser.add_argument("--seconds", type=int, default=10, help="each measurement's length (10)")
    options = parser.parse_args()
    ensure_wrk()
    STATE.mkdir(parents=True, exist_ok=True)
    common = {"redis_url": options.redis_url, "secret_key": secrets.token_urlsafe(50)}
    base = app_environment(database_url=options.database_url, **common)
    log("Migrating and loading the demo content…")
    manage(base, "migrate", "--no-input")
    manage(base, "load_demo_content")
    results = []
    for page in PAGES:
        for workers in WORKERS:
            for setup, variables in SETUPS.items():
                log(f"{page}: {setup}, {workers} workers…")
                results.append(
                    {"page": page, "setup": setup, "workers": workers}
                    | measure_setup(variables, options, common, page=page, workers=workers, name=str(len(results)))
                )
    (STATE / "connections.json").write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))


def table(results: list[dict]) -> str:
    lines = [
        "wrk -t2 with 2 clients per worker; server connections: PostgreSQL's, half-way through",
        "",
        "| page | setup | workers | req/s | p50 ms | p99 ms | errors | server connections | load average |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| `{r['page']}` | {r['setup']} | {r['workers']} | {r['rps']:,.0f} | {r['p50_ms']} | {r['p99_ms']} "
        f"| {r['errors']} | {r['server_connections']} | {r['load_average']:.1f} |"
        for r in results
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

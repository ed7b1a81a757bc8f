"""The whole production stack on this machine, each part on 127.0.0.1 (`make serve`, docs/DEPLOYMENT.md): Varnish
in front of two gunicorn app servers, a PostgreSQL primary with a streaming replica for the public pages' reads,
Redis and the task worker.

The database and its replica are kept between runs (in ``var/serve/`` by default); Redis holds only what can be
recomputed, so it starts empty. ``python -m reliability.stack`` starts everything, prints where each part answers
and waits; Ctrl-C (or SIGTERM) stops every part, front to back, and so does any part that exits on its own.
"""

import argparse
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .replication import StreamingReplica
from .servers import ROOT, AppServer, PostgresCluster, RedisServer, app_environment, manage, wait_until
from .varnish import Varnish
from .workers import TaskWorker

DATABASE = "soundtrack"


@dataclass
class Ports:
    varnish: int = 8000
    apps: tuple[int, ...] = (8001, 8002)
    primary: int = 5442
    replica: int = 5443
    redis: int = 6390


@dataclass
class Stack:
    folder: Path
    secret_key: str
    ports: Ports = field(default_factory=Ports)
    workers_per_app: int = 2
    overrides: dict[str, str] = field(default_factory=dict)  # of the app servers' and the worker's environment
    parts: list = field(default_factory=list)  # started, in order: stopped in reverse

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports.varnish}"

    def log(self, name: str) -> Path:
        (self.folder / "logs").mkdir(parents=True, exist_ok=True)
        return self.folder / "logs" / f"{name}.log"

    def start(self) -> "Stack":
        """Every part, back to front: each one is up before the part that needs it starts."""
        try:
            self.primary = primary = self.started(
                PostgresCluster(folder=self.folder / "primary", port=self.ports.primary).create()
            )
            if not primary.has_database(DATABASE):
                primary.create_database(DATABASE)
            self.replica = self.started(
                StreamingReplica(primary, folder=self.folder / "replica", port=self.ports.replica).create()
            )
            redis_server = self.started(RedisServer(port=self.ports.redis).start())
            self.env = self.app_environment(primary.url(DATABASE), redis_server.url(0))
            self.prepare_site()
            self.apps = [
                self.started(AppServer(self.env, port=port, log=self.log(f"app-{port}")).start())
                for port in self.ports.apps
            ]
            self.worker = self.started(TaskWorker(self.env, log=self.log("worker")).start())
            self.varnish = self.started(
                Varnish(backend_ports=self.ports.apps, port=self.ports.varnish, memory="256m").start()
            )
        except BaseException:
            self.stop()
            raise
        return self

    def started(self, part):
        self.parts.append(part)
        return part

    def app_environment(self, database_url: str, redis_url: str) -> dict[str, str]:
        stack = app_environment(
            database_url=database_url,
            redis_url=redis_url,
            secret_key=self.secret_key,
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_LOG_LEVEL="INFO",
            SITE_URL=self.url,
            WEB_CONCURRENCY=str(self.workers_per_app),
            TASKS_BACKEND="database",
            DATABASE_REPLICA_URLS=self.replica.url(DATABASE),
            EDGE_CACHE_BACKEND="varnish",
            EDGE_CACHE_PURGE_URLS=self.url,
            TRUSTED_PROXY_COUNT="1",
            GUNICORN_ACCESS_LOG="-",
            DJANGO_STATIC_MANIFEST="1",  # hashed, compressed static files, collected by prepare_site()
            DJANGO_STATIC_ROOT=str(self.folder / "static"),
            # Mail goes where the environment says; without EMAIL_URL, to the task worker's log.
            EMAIL_URL=os.environ.get("EMAIL_URL", "consolemail://"),
        )
        return stack | self.overrides

    def prepare_site(self) -> None:
        """The schema, the search index and the demo (each command leaves what is there as it is)."""
        manage(self.env, "migrate", "--no-input")
        manage(self.env, "rebuild_search_index")
        manage(self.env, "collectstatic", "--no-input", "--verbosity", "0")
        manage(self.env, "load_demo_content")
        manage(self.env, "load_demo_discussion")
        manage(self.env, "ensure_editor", "--admin-url", f"{self.url}/admin/")

    def wait_for_tasks(self, timeout: float = 60) -> None:
        """Until the task worker has run every task queued so far (loading the demo queues purges, say)."""

        def drained() -> bool:
            with self.primary.connect(DATABASE) as connection:
                return not connection.execute(
                    "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING') LIMIT 1"
                ).fetchone()

        wait_until(drained, what="the task worker running the queued tasks", timeout=timeout, poll=0.2)

    def exited(self) -> list[str]:
        """The parts whose process has exited on its own."""
        processes = {f"app server :{app.port}": app.process for app in self.apps}
        processes |= {"task worker": self.worker.process, "Varnish": self.varnish.process}
        return [name for name, process in processes.items() if process.poll() is not None]

    def stop(self) -> None:
        """Front to back, each part whatever happened to the others; the database is kept, not destroyed."""
        while self.parts:
            part = self.parts.pop()
            try:
                part.stop()
            except Exception as error:  # noqa: BLE001 (one part failing to stop must not keep the others running)
                print(f"stopping {type(part).__name__} failed: {error}", file=sys.stderr)


def secret_key(path: Path) -> str:
    if not path.exists():
        raise SystemExit(f"{path} is missing: `make serve` writes it")
    return path.read_text().strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "var" / "serve", help="where the database is kept")
    parser.add_argument("--port", type=int, default=8000, help="Varnish's port; the others follow it")
    options = parser.parse_args(argv)
    ports = Ports(varnish=options.port, apps=(options.port + 1, options.port + 2))
    stack = Stack(options.folder.resolve(), secret_key(ROOT / "var" / "secret-key"), ports)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # the same clean stop as Ctrl-C
    try:
        stack.start()
    except (RuntimeError, TimeoutError) as failure:  # ToolMissing too: what to install
        print(f"The stack did not start: {failure}\nLogs: {stack.folder / 'logs'}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, SystemExit):  # stopped while starting: start() stopped what it had started
        return 0
    print(
        f"Serving {stack.url}/ (Varnish) → app servers on :{ports.apps[0]} and :{ports.apps[1]} → PostgreSQL "
        f":{ports.primary} and its replica :{ports.replica}; Redis :{ports.redis}; the task worker. "
        f"Logs in {stack.folder / 'logs'}. Ctrl-C stops all.",
        flush=True,
    )
    try:
        while not (gone := stack.exited()):
            time.sleep(1)
        print(f"{', '.join(gone)} exited: stopping the rest (see {stack.folder / 'logs'})", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, SystemExit):
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())

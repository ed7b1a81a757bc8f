"""One run of the benchmark: its options, the app server, who reads as whom, the pages and the figures so far."""

import argparse
import secrets
import tempfile
from pathlib import Path

from . import cpu, wrk
from .common import free_port
from .pages import Page
from .servers import AppServer, fetch


class Bench:
    def __init__(self, options: argparse.Namespace):
        self.options = options
        self.quick = options.quick
        self.only = set(filter(None, options.only.split(",")))
        self.duration = options.duration or (3 if self.quick else 10)
        self.connections = options.connections
        self.port = options.port
        self.base = f"http://127.0.0.1:{self.port}"
        self.results: dict = {"pages": {}, "bare": {}, "single_client": {}, "targets": []}
        self.server: AppServer | None = None
        self.reference: AppServer | None = None  # the bare Django app (bench/reference/)
        self.reference_port = free_port()
        self.varnish_port = free_port()  # Varnish in front of the app (bench/edge.py)
        self.varnish = None  # started by run.measure
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-"))
        self.run_id = secrets.token_hex(4)
        self.cookies: dict[str, str] = {}  # session cookie by username (pages.sign_in)
        self.pages: list[Page] = []
        self.post_slugs: list[str] = []

    def cookie(self, user: str | None) -> str | None:
        return self.cookies[user] if user else None

    def fetch(
        self, path: str, user: str | None = None, *, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict, bytes]:
        return fetch(self.base + path, cookie=self.cookie(user), data=data, headers=headers)

    def reference_fetch(self, path: str) -> tuple[int, dict, bytes]:
        return fetch(self.reference.base + path)

    def wrk(
        self,
        path: str,
        *,
        user: str | None = None,
        connections: int | None = None,
        threads: int = 2,
        duration: int | None = None,
        lua_extra: str = "",
        base: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict:
        """wrk on ``path`` (of the site, or of ``base``) with the run's connections and seconds unless told
        otherwise; the figures, with the CPU seconds each part of the machine used meanwhile (cpu.Shares)."""
        shares = self.cpu_shares()
        shares.start()
        figures = wrk.load(
            (base or self.base) + path,
            folder=self.tmp,
            connections=connections or self.connections,
            duration=duration or self.duration,
            threads=threads,
            cookie=self.cookie(user),
            lua_extra=lua_extra,
            headers=headers,
        )
        return figures | {"cpu_seconds": shares.stop()}

    def cpu_shares(self) -> cpu.Shares:
        """The app server, the bare app, Varnish (those started), PostgreSQL on this machine and Redis."""
        servers = {"app server": self.server, "bare app": self.reference, "Varnish": self.varnish}
        trees = {name: server.process.pid for name, server in servers.items() if server and server.process}
        return cpu.Shares(trees=trees, named={"PostgreSQL": "postgres"}, redis_url=self.options.redis_url)

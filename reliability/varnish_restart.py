"""Readers keep reading through Varnish while it is restarted (its cache starts empty); its hit ratio recovers.

An app server with the edge settings (surrogate keys, pages kept without their form token) behind the repository's
Varnish. Readers load the site's public pages through Varnish, each request on a new connection as a browser
after a restart would, before, during and after a restart of varnishd on the same port. What counts:
- HTTP errors (a status of 400 or more, from Varnish or the app): none may reach a reader, in any phase;
- connections refused or dropped while varnishd is down: the restart window itself, when nothing listens on the
  port; a reader (or the load balancer before Varnish) connects again, and is counted apart;
- the share of lookups that hit Varnish's cache (X-Cache: hit among hit and miss) before the restart, in the first
  second after it (cold), and over the last second of the run (recovered).
"""

import http.client
import re
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from .servers import AppServer, PostgresCluster, RedisServer, app_environment, free_port, prepare_site
from .varnish import Varnish

COLD_SECONDS = 1.0  # "right after": the first second the new varnishd answers
RECOVERED_SECONDS = 1.0  # "after recovery": the last second of the run


def read_through(port: int, path: str) -> tuple[str, str]:
    """One GET through Varnish on a new connection: (outcome, X-Cache). The outcome is the status, or what went
    wrong with the connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return str(response.status), response.getheader("X-Cache", "none")
    except ConnectionRefusedError:
        return "connection refused", "none"
    except (ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError):
        return "connection dropped", "none"
    finally:
        connection.close()


class Readers:
    """``count`` threads reading ``paths`` through Varnish until stopped; every answer with its phase and time."""

    def __init__(self, port: int, paths: list[str], count: int):
        self.port, self.paths, self.count = port, paths, count
        self.phase = "before"
        self.lock = threading.Lock()
        self.answers: list[tuple[float, str, str, str]] = []  # (when, phase, outcome, X-Cache)
        self.stopping = threading.Event()

    def read(self, number: int) -> None:
        turn = number
        while not self.stopping.is_set():
            turn += 1
            phase = self.phase
            outcome, cached = read_through(self.port, self.paths[turn % len(self.paths)])
            if (phase, self.phase) == ("down", "after"):  # asked while varnishd was down: the new one answered
                phase = "after"
            elif self.phase != phase:  # the restart began while this page was served
                phase = "transition"
            with self.lock:
                self.answers.append((time.monotonic(), phase, outcome, cached))
            if outcome.startswith("connection"):
                time.sleep(0.01)  # as a client would, before connecting again

    def __enter__(self) -> "Readers":
        self.threads = [threading.Thread(target=self.read, args=(n,)) for n in range(self.count)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def public_paths(app: AppServer) -> list[str]:
    """Every page the sitemap lists (articles, composers, works, tags...), the sitemap's sections followed."""
    paths, sitemaps = [], ["/sitemap.xml"]
    while sitemaps:
        for url in re.findall(r"<loc>([^<]+)</loc>", app.get(sitemaps.pop())[2]):
            path = urlsplit(url).path
            (sitemaps if path.endswith(".xml") else paths).append(path)
    return paths


def hit_ratio(answers) -> dict:
    looked_up = Counter(cached for *_rest, cached in answers if cached in ("hit", "miss"))
    total = looked_up["hit"] + looked_up["miss"]
    return {
        "hits": looked_up["hit"],
        "misses": looked_up["miss"],
        "hit_ratio": round(looked_up["hit"] / total, 4) if total else None,
    }


def run(
    cluster: PostgresCluster, redis_server: RedisServer, workdir: Path, *, readers: int, phase_seconds: float
) -> dict:
    """Reads before, during and after a restart of Varnish; the figures, with ``passed``."""
    from django.conf import settings

    varnish_port = free_port()  # known before the app server starts: it purges there
    env = app_environment(
        database_url=cluster.create_database("reliability_varnish"),
        redis_url=redis_server.url(3),
        secret_key=settings.SECRET_KEY,
        WEB_CONCURRENCY="2",
    )
    prepare_site(env)  # before any Varnish: nothing to purge yet
    edge = {"EDGE_CACHE_BACKEND": "varnish", "EDGE_CACHE_PURGE_URLS": f"http://127.0.0.1:{varnish_port}"}
    app = AppServer(env | edge, log=workdir / "varnish-restart-app.log")
    varnish = None
    try:
        app.start()
        varnish = Varnish(backend_port=app.port, port=varnish_port).start()
        paths = ["/", *public_paths(app), "/feeds/rss/", "/sitemap.xml", "/robots.txt"]
        with Readers(varnish.port, paths, readers) as load:
            time.sleep(phase_seconds)
            load.phase = "restarting"
            restart_started = time.monotonic()
            varnish.restart(stopped=lambda: setattr(load, "phase", "down"))
            restarted = time.monotonic()
            load.phase = "after"
            time.sleep(phase_seconds)
        app_kept_running = app.process.poll() is None
    finally:
        if varnish:
            varnish.stop()
        app.stop()
    return restart_figures(
        load, readers=readers, restart_seconds=restarted - restart_started, app_kept_running=app_kept_running
    )


def restart_figures(load: Readers, *, readers: int, restart_seconds: float, app_kept_running: bool) -> dict:
    """The answers by phase ("restarting": varnishd stopping; "down": stopped, then starting; "transition": a
    request the phase changed under), the HTTP errors and connection failures, and the hit ratios before, in the
    first second the new varnishd answered and in the last second of the run."""
    by_phase: dict[str, Counter] = defaultdict(Counter)
    for _when, phase, outcome, _cached in load.answers:
        by_phase[phase][outcome] += 1
    before = [answer for answer in load.answers if answer[1] == "before"]
    after = [answer for answer in load.answers if answer[1] in ("down", "after") and answer[2] == "200"]
    first, end = (after[0][0], after[-1][0]) if after else (0.0, 0.0)
    figures = {
        "scenario": "read load through Varnish, Varnish restarted (cold cache)",
        "readers": readers,
        "restart_seconds": round(restart_seconds, 2),
        "answers": {phase: dict(counts) for phase, counts in by_phase.items()},
        "http_errors": sum(n for counts in by_phase.values() for outcome, n in counts.items() if is_error(outcome)),
        "connection_failures_outside_restart": sum(
            n for phase, counts in by_phase.items() if phase in ("before", "after")
            for outcome, n in counts.items() if outcome.startswith("connection")
        ),
        "hit_ratio_before": hit_ratio(before),
        "hit_ratio_right_after": hit_ratio(a for a in after if a[0] < first + COLD_SECONDS),
        "hit_ratio_recovered": hit_ratio(a for a in after if a[0] >= end - RECOVERED_SECONDS),
        "app_kept_running": app_kept_running,
    }  # fmt: skip
    figures["passed"] = passed(figures)
    return figures


def is_error(outcome: str) -> bool:
    return outcome.isdigit() and int(outcome) >= 400


def passed(figures: dict) -> bool:
    """No HTTP error anywhere, connections failing only in the restart window, the cache cold right after the
    restart and back to the hit ratio of before."""
    before, cold, recovered = (
        figures[f"hit_ratio_{moment}"]["hit_ratio"] for moment in ("before", "right_after", "recovered")
    )
    return (
        {"before", "after"} <= set(figures["answers"])
        and figures["http_errors"] == 0
        and figures["connection_failures_outside_restart"] == 0
        and None not in (before, cold, recovered)
        and figures["hit_ratio_right_after"]["misses"] > 0
        and recovered >= before * 0.95
        and figures["app_kept_running"]
    )

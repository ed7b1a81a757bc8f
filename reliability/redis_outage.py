"""Readers keep reading while Redis is stopped and started again; comment rate limits fail open or closed.

Two app servers share one Redis: one fails the comment rate limit open, the other closed. Readers load pages
from both before, during and after the outage. Pages must keep coming (rendered from the database, no cache hits,
the outage logged), and once Redis is back the page cache and the rate limits work again without a restart.
Comment posts probe the rate limiter in each phase.
"""

import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

from .servers import AppServer, PostgresCluster, RedisServer, app_environment, prepare_site

LIMIT = 3
# Longer than any run, so no window boundary falls inside one: the counts below are then exact.
WINDOW_SECONDS = 10**9


class Readers:
    def __init__(self, servers: list[AppServer], paths: list[str], count: int):
        self.servers, self.paths, self.count = servers, paths, count
        self.phase = "before"
        self.lock = threading.Lock()
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.cache: dict[str, Counter] = defaultdict(Counter)
        self.first_hit_after_restart: float | None = None
        self.stopping = threading.Event()

    def read(self, number: int) -> None:
        turn = number
        while not self.stopping.is_set():
            turn += 1
            server = self.servers[turn % len(self.servers)]
            path = self.paths[turn % len(self.paths)]
            phase = self.phase
            try:
                status, headers, _page = server.get(path)
            except OSError:
                status, headers = None, {}
            if self.phase != phase:  # Redis went down or came back while this page was served
                phase = "transition"
            cached = headers.get("X-Page-Cache", "none")
            with self.lock:
                self.statuses[phase][str(status or "no connection")] += 1
                self.cache[phase][cached] += 1
                if phase == "after" and cached == "hit" and self.first_hit_after_restart is None:
                    self.first_hit_after_restart = time.monotonic()

    def __enter__(self):
        self.threads = [threading.Thread(target=self.read, args=(n,)) for n in range(self.count)]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join()


def post_comments(server: AppServer, slug: str, times: int, label: str) -> list[dict]:
    """Post ``times`` comments, each from a new email (so only the per-client limit can refuse them)."""
    from comments.forms import new_form_token

    results = []
    for n in range(times):
        body = f"Rate-limit probe {label} {n}: that cue still gives me chills."
        form = {
            "author_name": "Probe",
            "author_email": f"probe-{label}-{n}-{time.time_ns()}@example.com",
            "body": body,
            "favourite_track": "",
            "parent": "",
            "website": "",
            "form_token": new_form_token(),
        }
        status, _headers, page = server.post(f"/articles/{slug}/comments/", form)
        results.append({"status": status, "says_paused": "Comments are paused" in page, "keeps_text": body in page})
    return results


def run(
    cluster: PostgresCluster, redis_server: RedisServer, workdir: Path, *, readers: int, phase_seconds: float
) -> dict:
    """Reads and rate-limit probes before, during and after a Redis outage; the figures, with ``passed``."""
    from django.conf import settings

    common = {
        "database_url": cluster.create_database("reliability_redis"),
        "redis_url": redis_server.url(2),
        "secret_key": settings.SECRET_KEY,
        "COMMENTS_RATE_LIMIT": str(LIMIT),
        "COMMENTS_RATE_LIMIT_WINDOW_SECONDS": str(WINDOW_SECONDS),
        "COMMENTS_MIN_SECONDS_TO_POST": "0",
        "WEB_CONCURRENCY": "2",
    }
    slug = prepare_site(app_environment(**common))[0]
    fail_open = AppServer(
        app_environment(**common, COMMENTS_RATE_LIMIT_FAIL_OPEN="1"), log=workdir / "redis-outage-open.log"
    )
    fail_closed = AppServer(
        app_environment(**common, COMMENTS_RATE_LIMIT_FAIL_OPEN="0"), log=workdir / "redis-outage-closed.log"
    )
    try:
        fail_open.start()
        fail_closed.start()
        load, probes, restarted = read_through_an_outage(
            redis_server, fail_open, fail_closed, slug=slug, readers=readers, phase_seconds=phase_seconds
        )
        servers_kept_running = fail_open.process.poll() is None and fail_closed.process.poll() is None
    finally:
        fail_open.stop()
        fail_closed.stop()
    return outage_figures(
        load,
        probes,
        readers=readers,
        phase_seconds=phase_seconds,
        restarted=restarted,
        servers_kept_running=servers_kept_running,
        open_log=fail_open.log_text(),
        closed_log=fail_closed.log_text(),
    )


def read_through_an_outage(
    redis_server: RedisServer,
    fail_open: AppServer,
    fail_closed: AppServer,
    *,
    slug: str,
    readers: int,
    phase_seconds: float,
) -> tuple[Readers, dict[str, list[dict]], float]:
    """Readers on both servers while Redis is up, stopped and started again, a rate-limit probe in each phase; the
    readers, the probes' results by phase and server, and when Redis was started again."""
    paths = ["/", f"/articles/{slug}/", "/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/robots.txt"]
    probes = {}
    with Readers([fail_open, fail_closed], paths, readers) as load:
        time.sleep(phase_seconds)
        probes["before (fail-open server)"] = post_comments(fail_open, slug, LIMIT + 1, "before")

        load.phase = "stopping"
        redis_server.stop()
        load.phase = "outage"
        time.sleep(phase_seconds / 2)
        probes["outage (fail-open server)"] = post_comments(fail_open, slug, 2, "outage-open")
        probes["outage (fail-closed server)"] = post_comments(fail_closed, slug, 2, "outage-closed")
        time.sleep(phase_seconds / 2)

        load.phase = "starting"
        redis_server.start()
        restarted = time.monotonic()
        load.phase = "after"
        probes["after (fail-closed server)"] = post_comments(fail_closed, slug, LIMIT + 1, "after")
        time.sleep(phase_seconds)
    return load, probes, restarted


def outage_figures(
    load: Readers,
    probes: dict[str, list[dict]],
    *,
    readers: int,
    phase_seconds: float,
    restarted: float,
    servers_kept_running: bool,
    open_log: str,
    closed_log: str,
) -> dict:
    """The figures of the run, with ``passed``."""
    recovered = load.first_hit_after_restart
    figures = {
        "scenario": "read load with a Redis outage",
        "readers": readers,
        "phase_seconds": phase_seconds,
        "pages": {phase: dict(counts) for phase, counts in load.statuses.items()},
        "page_cache": {phase: dict(counts) for phase, counts in load.cache.items()},
        "seconds_to_first_cache_hit_after_restart": round(recovered - restarted, 2) if recovered else None,
        "app_servers_kept_running": servers_kept_running,
        "outage_logged": "Cache unavailable" in open_log and "Cache unavailable" in closed_log,
        "rate_limit": {
            "limit": LIMIT,
            "fail_open_logged": "failing open" in open_log,
            "fail_closed_logged": "failing closed" in closed_log,
            "decisions": {phase: [probe["status"] for probe in results] for phase, results in probes.items()},
            "fail_closed_says_paused_and_keeps_text": all(
                probe["says_paused"] and probe["keeps_text"] for probe in probes["outage (fail-closed server)"]
            ),
        },
    }
    figures["passed"] = passed(figures, recovered=recovered is not None)
    return figures


def passed(figures: dict, *, recovered: bool) -> bool:
    """Pages all along, no cache hit during the outage, the cache and the rate limits back after it."""
    pages, decisions = figures["pages"], figures["rate_limit"]["decisions"]
    return (
        {"before", "outage", "after"} <= set(pages)
        and all(set(statuses) == {"200"} for statuses in pages.values())
        and "hit" not in figures["page_cache"]["outage"]
        and recovered
        and figures["app_servers_kept_running"]
        and figures["outage_logged"]
        and decisions["before (fail-open server)"] == [302] * LIMIT + [429]
        and decisions["outage (fail-open server)"] == [302, 302]
        and decisions["outage (fail-closed server)"] == [503, 503]
        and decisions["after (fail-closed server)"] == [302] * LIMIT + [429]
        and figures["rate_limit"]["fail_closed_says_paused_and_keeps_text"]
        and figures["rate_limit"]["fail_open_logged"]
        and figures["rate_limit"]["fail_closed_logged"]
    )

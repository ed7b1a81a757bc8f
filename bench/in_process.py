"""The app's own CPU for one kind of request, in one process, with no server or client sharing the cores: the site's
WSGI application called directly, with the bench's environment and data (run ``bench.run --data-only`` first).

    .venv/bin/python -m bench.in_process article --signed-in --gzip
    .venv/bin/python -m bench.in_process article --requests 5000 --redis-url redis://127.0.0.1:6379/10
    .venv/bin/python -m bench.in_process comment_post --requests 600
    .venv/bin/python -m bench.in_process search --requests 300
    .venv/bin/python -m bench.in_process render_after_comment --requests 100
    .venv/bin/python -m bench.in_process form_values --requests 1000
    .venv/bin/python -m bench.in_process bare --bytes 77940

Each reading of the site is followed by the outside reference's, in a process of its own: the bare Django app
(bench/reference/: startproject's settings and middleware) serving a static page of the size the site sent last.

A search reads the bench's three (a word, a phrase, a misspelling) in turn. A comment POST is sent as the bench's
load sends it (bench/wrk.py's POST_LUA): a fresh form token, a new body, half
of them from known commenters, to the 16 articles the load posts to. ``render_after_comment`` posts a known
commenter's comment (published at once: its article's page is stale) and counts only what follows: Varnish's fetch
of the article, rendered again. ``form_values`` is what the comment form's script asks for before a post.

Prints the process's CPU per request (``time.process_time()``), with the CPU its PostgreSQL connection's backend and
Redis spent on it when they run on this machine; the wall time's median and 95th percentile, the status, the size
sent and the queries made.
"""

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from itertools import repeat

from . import cpu
from .common import log
from .database import setup_django
from .run import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL
from .scenarios import comment_form
from .servers import environment

WARM_UP = 2  # views of each page before the count: the page kept, the process's copy of it made
POST_WARM_UP = 20  # posts before the count: the connections opened, the articles read once
READS = 40  # the articles read in turn
SEARCH_WARM_UP = 3  # each of the bench's searches once


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "page",
        choices=["article", "search", "comment_post", "render_after_comment", "form_values", "bare"],
        help="40 random published articles read in turn, the bench's searches, comment POSTs, an article rendered "
        "again after a comment, the comment form's values, or the bare Django app's static page",
    )
    parser.add_argument("--signed-in", action="store_true", help="reads as the bench's signed-in reader")
    parser.add_argument("--gzip", action="store_true", help="reads saying Accept-Encoding: gzip, as browsers do")
    parser.add_argument("--bytes", type=int, default=0, help="the size of the bare app's page")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    options = parser.parse_args()
    if options.page == "bare":
        setup_django({"DJANGO_SETTINGS_MODULE": "bench.reference.settings"})
        from bench.reference.wsgi import application

        measure(application, repeat((f"/?bytes={options.bytes}", {})), warm_up=WARM_UP, count=options.requests)
        return
    setup_django(environment(port=8000, database_url=options.database_url, redis_url=options.redis_url))

    from django.urls import reverse

    from bench.pages import pick_pages
    from soundtrack_site.wsgi import application

    if options.page == "comment_post":
        requests, warm_up = posts(pick_pages()[1]), POST_WARM_UP
    elif options.page == "render_after_comment":
        requests, warm_up = renders_after_comments(application, pick_pages()[1]), POST_WARM_UP
    elif options.page == "form_values":
        requests, warm_up = repeat((reverse("comments:form-values"), {})), WARM_UP
    elif options.page == "search":
        requests, warm_up = searches(pick_pages()[0]), SEARCH_WARM_UP
    else:
        requests, warm_up = reads(signed_in=options.signed_in, gzip=options.gzip), WARM_UP * READS
    sent = measure(application, requests, warm_up=warm_up, count=options.requests)
    log(f"Beside it, the bare Django app (bench/reference/), its static page asked for at {sent:,} bytes:")
    # In a process of its own: the reference is another Django project, with settings of its own.
    bare = ["bare", "--bytes", str(sent), "--requests", str(options.requests)]
    subprocess.run([sys.executable, "-m", "bench.in_process", *bare], check=True)


def measure(application, requests, *, warm_up: int, count: int) -> int:
    """Logs the process's CPU for each of ``count`` requests after ``warm_up`` more, and the CPU PostgreSQL and
    Redis spent on them when they run on this machine; the bytes the last one sent."""
    for _ in range(warm_up):
        call(application, *next(requests))
    servers = ServersCpu.of_the_app()
    app_cpu, walls = 0.0, []
    for _ in range(count):
        request = next(requests)  # (what a kind does to prepare its request is not counted)
        servers.start()
        started, wall = time.process_time(), time.perf_counter()
        status, sent, queries = call(application, *request)
        app_cpu += time.process_time() - started
        walls.append(time.perf_counter() - wall)
        servers.stop()
    app_cpu /= count
    walls.sort()
    log(f"{count} requests: {app_cpu * 1000:.3f} ms of the app's CPU each{servers.described(count)}")
    log(f"wall time: p50 {walls[count // 2] * 1000:.3f} ms, p95 {walls[int(count * 0.95)] * 1000:.3f} ms")
    log(f"the last: {status}, {sent} bytes sent, {queries} queries")
    return sent


class ServersCpu:
    """The CPU the app's PostgreSQL connection and its Redis server spent on each request, summed (cpu.Shares, with the
    connection's backend read as the tree of its process): nothing when they do not run on this machine (or the
    reference, which uses neither, is measured). Read in clock ticks, so only a mean over many requests means much."""

    def __init__(self, *, postgresql: bool, redis_url: str):
        self.database = _backend_pid if postgresql else None
        self.shares = cpu.Shares(trees={}, named={}, redis_url=redis_url)
        self.spent: Counter[str] = Counter()

    @classmethod
    def of_the_app(cls) -> "ServersCpu":
        from django.conf import settings

        postgresql = "postgresql" in settings.DATABASES["default"]["ENGINE"]
        return cls(postgresql=postgresql, redis_url=getattr(settings, "REDIS_URL", ""))

    def start(self) -> None:
        # Asked before the mark, so its query is not counted; the connection may be another for each request.
        self.shares.trees = {"PostgreSQL": self.database()} if self.database else {}
        self.shares.start()

    def stop(self) -> None:
        self.spent.update(self.shares.stop())

    def described(self, count: int) -> str:
        read = [
            f"{name} {self.spent[name] / count * 1000:.2f} ms" for name in ("PostgreSQL", "Redis") if self.spent[name]
        ]
        return f" (and {', '.join(read)})" if read else ""


def _backend_pid() -> int | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def reads(*, signed_in: bool, gzip: bool):
    """GETs of 40 random published articles, in turn, for ever: (path, headers) each."""
    from articles.models import Article
    from bench.pages import READER, sign_in

    cookie = sign_in()[READER] if signed_in else ""
    headers = {"HTTP_COOKIE": cookie} | ({"HTTP_ACCEPT_ENCODING": "gzip"} if gzip else {})
    paths = [
        f"/articles/{slug}/"
        for slug in Article.objects.published().order_by("?").values_list("slug", flat=True)[:READS]
    ]
    while True:
        for path in paths:
            yield path, headers


def searches(pages):
    """The bench's searches (bench/pages.py: a word, a phrase, a misspelling) in turn, for ever: (path, headers)."""
    paths = [page.path for page in pages if page.key.startswith("search_")]
    while True:
        for path in paths:
            yield path, {}


def posts(slugs: list[str]):
    """Comment POSTs to the articles of ``slugs`` as the bench's load sends them, for ever: (path, headers, encoded
    form) each."""
    run, number = time.time_ns(), 0
    while True:
        number += 1
        # Half from the bench data's known commenters, half from new addresses.
        email = f"listener{number % 5000}@example.com" if number % 2 == 0 else f"in-process-{run}-{number}@example.com"
        form = comment_form(email=email, body=f"Posted in process {run}-{number} about the main theme.")
        yield f"/articles/{slugs[number % len(slugs)]}/comments/", {}, form


def renders_after_comments(application, slugs: list[str]):
    """Before each request, a known commenter's comment posted to one of ``slugs`` (published at once, so the
    article's page is stale); the request is Varnish's fetch of that article, compressed: (path, headers) each."""
    edge = {"HTTP_SURROGATE_CAPABILITY": 'varnish="Surrogate/1.0"', "HTTP_ACCEPT_ENCODING": "gzip"}
    run, number = time.time_ns(), 0
    while True:
        number += 1
        article = f"/articles/{slugs[number % len(slugs)]}/"
        form = comment_form(email=f"listener{number % 5000}@example.com", body=f"Rendered after {run}-{number}.")
        call(application, f"{article}comments/", {}, form)
        yield article, edge


def call(application, path: str, headers: dict[str, str], form: str | None = None) -> tuple[str, int, str]:
    """One request through the WSGI application, a GET of ``path`` or the POST of an encoded ``form``: its status,
    the bytes sent and its query count."""
    from django.test import RequestFactory

    factory = RequestFactory(SERVER_NAME="127.0.0.1", SERVER_PORT="8000")
    if form is None:
        environ = factory.get(path, **headers).environ
    else:
        environ = factory.post(path, form, content_type="application/x-www-form-urlencoded", **headers).environ
    answer = {}
    body = application(environ, lambda status, sent, exc_info=None: answer.update(status=status, headers=dict(sent)))
    sent = len(b"".join(body))
    getattr(body, "close", lambda: None)()
    return answer["status"], sent, answer["headers"].get("X-Bench-Queries", "?")


if __name__ == "__main__":
    main()

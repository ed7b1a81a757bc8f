"""The app's own CPU for one kind of request, in one process, with no server or client sharing the cores: the site's
WSGI application called directly, with the bench's environment and data (run ``bench.run --data-only`` first).

    .venv/bin/python -m bench.in_process article --signed-in --gzip
    .venv/bin/python -m bench.in_process article --requests 5000 --redis-url redis://127.0.0.1:6379/10
    .venv/bin/python -m bench.in_process comment_post --requests 600

A comment POST is sent as the bench's load sends it (bench/wrk.py's POST_LUA): a fresh form token, a new body, half
of them from known commenters, to the 16 articles the load posts to.

Prints the process's CPU per request (``time.process_time()``), the status, the size sent and the queries made.
"""

import argparse
import os
import time
import urllib.parse

from .common import log
from .database import setup_django
from .run import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL
from .servers import environment

WARM_UP = 2  # views of each page before the count: the page kept, the process's copy of it made
POST_WARM_UP = 20  # posts before the count: the connections opened, the articles read once
READS = 40  # the articles read in turn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "page", choices=["article", "comment_post"], help="40 random published articles read in turn, or comment POSTs"
    )
    parser.add_argument("--signed-in", action="store_true", help="reads as the bench's signed-in reader")
    parser.add_argument("--gzip", action="store_true", help="reads saying Accept-Encoding: gzip, as browsers do")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    options = parser.parse_args()
    setup_django(environment(port=8000, database_url=options.database_url, redis_url=options.redis_url))

    from soundtrack_site.wsgi import application

    if options.page == "comment_post":
        from bench.pages import pick_pages

        requests = posts(pick_pages()[1])
    else:
        requests = reads(signed_in=options.signed_in, gzip=options.gzip)
    warm_up = POST_WARM_UP if options.page == "comment_post" else WARM_UP * READS
    for _ in range(warm_up):
        call(application, *next(requests))
    started = time.process_time()
    for _ in range(options.requests):
        status, sent, queries = call(application, *next(requests))
    cpu = (time.process_time() - started) / options.requests
    log(f"{options.requests} requests: {cpu * 1000:.3f} ms of the app's CPU each")
    log(f"the last: {status}, {sent} bytes sent, {queries} queries")


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


def posts(slugs: list[str]):
    """Comment POSTs to the articles of ``slugs`` as the bench's load sends them, for ever: (path, headers, encoded
    form) each."""
    from comments.forms import new_form_token

    run, number = time.time_ns(), 0
    while True:
        number += 1
        known, new = f"listener{number % 5000}@example.com", f"in-process-{run}-{number}@example.com"
        form = {
            "author_name": "Bench reader",
            "author_email": known if number % 2 == 0 else new,
            "body": f"Posted in process {run}-{number} about the main theme.",
            "favourite_track": "",
            "parent": "",
            "website": "",
            "form_token": new_form_token(),
        }
        yield f"/articles/{slugs[number % len(slugs)]}/comments/", {}, urllib.parse.urlencode(form)


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

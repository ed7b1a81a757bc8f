"""The app's own CPU for one kind of request, in one process, with no server or client sharing the cores: the site's
WSGI application called directly, with the bench's environment and data (run ``bench.run --data-only`` first).

    .venv/bin/python -m bench.in_process article --signed-in --gzip
    .venv/bin/python -m bench.in_process article --requests 5000 --redis-url redis://127.0.0.1:6379/10

Prints the process's CPU per request (``time.process_time()``), the status, the size sent and the queries made.
"""

import argparse
import os
import time

from .common import log
from .database import setup_django
from .run import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL
from .servers import environment

WARM_UP = 2  # views of each page before the count: the page kept, the process's copy of it made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", choices=["article"], help="40 random published articles, read in turn")
    parser.add_argument("--signed-in", action="store_true", help="as the bench's signed-in reader")
    parser.add_argument("--gzip", action="store_true", help="saying Accept-Encoding: gzip, as browsers do")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL))
    options = parser.parse_args()
    setup_django(environment(port=8000, database_url=options.database_url, redis_url=options.redis_url))

    from articles.models import Article
    from bench.pages import READER, sign_in
    from soundtrack_site.wsgi import application

    cookie = sign_in()[READER] if options.signed_in else ""
    paths = [
        f"/articles/{slug}/" for slug in Article.objects.published().order_by("?").values_list("slug", flat=True)[:40]
    ]
    headers = {"HTTP_COOKIE": cookie} | ({"HTTP_ACCEPT_ENCODING": "gzip"} if options.gzip else {})
    for path in paths * WARM_UP:
        call(application, path, headers)
    started = time.process_time()
    for number in range(options.requests):
        status, sent, queries = call(application, paths[number % len(paths)], headers)
    cpu = (time.process_time() - started) / options.requests
    log(f"{options.requests} requests: {cpu * 1000:.3f} ms of the app's CPU each")
    log(f"the last: {status}, {sent} bytes sent, {queries} queries")


def call(application, path: str, headers: dict[str, str]) -> tuple[str, int, str]:
    """One GET of ``path`` through the WSGI application: its status, the bytes sent and its query count."""
    from django.test import RequestFactory

    environ = RequestFactory(SERVER_NAME="127.0.0.1", SERVER_PORT="8000").get(path, **headers).environ
    answer = {}
    body = application(environ, lambda status, sent, exc_info=None: answer.update(status=status, headers=dict(sent)))
    sent = len(b"".join(body))
    getattr(body, "close", lambda: None)()
    return answer["status"], sent, answer["headers"].get("X-Bench-Queries", "?")


if __name__ == "__main__":
    main()

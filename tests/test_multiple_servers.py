"""Two app servers sharing PostgreSQL and Redis: page-cache invalidation and comment rate limits hold across them."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from django.db import connection

from comments.models import Comment
from tests.comments.factories import CommentFactory
from tests.factories import ArticleFactory

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("MULTI_SERVER_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the app servers share a PostgreSQL database; this run uses SQLite")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, port: int, process: subprocess.Popen):
        self.port, self.process = port, process

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
        conn.request(method, path, body=urlencode(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        result = response.status, dict(response.getheaders()), response.read().decode()
        conn.close()
        return result

    def get(self, path: str):
        return self.request("GET", path)

    def post_comment(self, article, *, email: str, body: str) -> int:
        _, _, page = self.get(article.get_absolute_url())
        stamp = re.search(r'name="stamp" value="([^"]+)"', page).group(1)
        form = {"author_name": "Reader", "author_email": email, "body": body, "stamp": stamp}
        status, _, _ = self.request("POST", f"{article.get_absolute_url()}comments/", form)
        return status


@pytest.fixture
def servers(postgresql):
    redis.Redis.from_url(REDIS_URL).flushdb()
    database = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))} | {
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "DJANGO_SECRET_KEY": "two-servers-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": REDIS_URL,
        "WEB_CONCURRENCY": "1",
        "COMMENTS_MIN_SECONDS_TO_POST": "0",
        "GUNICORN_ACCESS_LOG": "",
    }
    started = []
    for _ in range(2):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(Server(port, process))
    try:
        for server in started:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if server.get("/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, "an app server did not start"
                assert server.process.poll() is None, "an app server exited"
                time.sleep(0.2)
        yield started
    finally:
        for server in started:
            server.process.terminate()
        for server in started:
            server.process.wait(timeout=30)


def test_a_comment_approved_through_one_server_shows_at_once_on_the_others_cached_page(servers):
    first, second = servers
    article = ArticleFactory()
    CommentFactory(article=article, author_email="regular@example.com")  # a known commenter is approved at once
    second.get(article.get_absolute_url())
    status, headers, _ = second.get(article.get_absolute_url())
    assert headers["X-Page-Cache"] == "hit"

    assert first.post_comment(article, email="regular@example.com", body="Across two servers!") == 302

    status, headers, page = second.get(article.get_absolute_url())
    assert status == 200 and headers["X-Page-Cache"] == "miss"
    assert "Across two servers!" in page
    assert Comment.objects.filter(body="Across two servers!", status=Comment.Status.APPROVED).count() == 1


def test_the_comment_rate_limit_counts_posts_made_through_either_server(servers):
    first, second = servers
    article = ArticleFactory()
    statuses = [
        (first if n % 2 else second).post_comment(article, email="busy@example.com", body=f"Thought number {n}")
        for n in range(6)
    ]

    assert statuses == [302] * 5 + [429]
    assert Comment.objects.filter(article=article).count() == 5

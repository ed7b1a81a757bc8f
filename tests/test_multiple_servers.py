"""Several processes on one site: two app servers sharing PostgreSQL and Redis (page-cache invalidation and comment
rate limits hold across them), and the embedded default, SQLite without Redis, changed by a command while its
server runs."""

import os
import re

import pytest
import redis
from django.db import connection

from comments.models import Comment
from reliability.servers import AppServer, app_environment, manage
from tests.utils.factories import ArticleFactory, CommentFactory
from tests.utils.processes import clean_environment

REDIS_URL = os.environ.get("MULTI_SERVER_REDIS_URL", "redis://127.0.0.1:6379/15")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the app servers share a PostgreSQL database; this run uses SQLite")


class Server(AppServer):
    def post_comment(self, article, *, email: str, body: str) -> int:
        _, _, page = self.get(article.get_absolute_url())
        token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        form = {"author_name": "Reader", "author_email": email, "body": body, "form_token": token}
        status, _, _ = self.post(f"{article.get_absolute_url()}comments/", form)
        return status


@pytest.fixture
def servers(postgresql):
    redis.Redis.from_url(REDIS_URL).flushdb()
    database = connection.settings_dict
    env = app_environment(
        database_url=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        redis_url=REDIS_URL,
        secret_key="two-servers-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        DATABASE_CONN_MAX_AGE="0",
        WEB_CONCURRENCY="1",
        COMMENTS_MIN_SECONDS_TO_POST="0",
    )
    started = []
    try:
        for _ in range(2):
            started.append(Server(env).start())
        yield started
    finally:
        for server in started:
            server.stop()


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


ARTICLE_FILE = """---
title: Why Arrival's soundtrack deserves more recognition
slug: arrival-across-processes
status: published
publish_at: 2025-05-31 12:00:00+00:00
work:
  title: Arrival
  kind: film
  year: 2016
---
{body}
"""


@pytest.fixture
def embedded_server(tmp_path):
    """The site as `make run` makes it, without Redis: an SQLite file, here served by two gunicorn workers."""
    env = clean_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_STATIC_MANIFEST="0",
        DJANGO_SECRET_KEY="embedded-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_LOG_LEVEL="WARNING",
        GUNICORN_ACCESS_LOG="",
        WEB_CONCURRENCY="2",
    )
    manage(env, "migrate", "--no-input")  # the cache's tables too
    server = AppServer(env).start()
    try:
        yield server
    finally:
        server.stop()


def test_an_article_imported_by_a_command_shows_at_once_on_the_embedded_sites_cached_page(embedded_server, tmp_path):
    article_file = tmp_path / "arrival.md"
    article_file.write_text(ARTICLE_FILE.format(body="The first words."))
    manage(embedded_server.env, "import_articles", str(article_file))
    url = "/articles/arrival-across-processes/"
    pages = [embedded_server.get(url) for _ in range(6)]  # each worker has likely served it, from its cache too
    assert [headers["X-Page-Cache"] for _, headers, _ in pages].count("hit") >= 2

    article_file.write_text(ARTICLE_FILE.format(body="Words changed by another process."))
    manage(embedded_server.env, "import_articles", str(article_file))

    for _ in range(3):  # whichever worker answers
        status, _, page = embedded_server.get(url)
        assert status == 200 and "Words changed by another process." in page

"""Two app servers sharing PostgreSQL and Redis: page-cache invalidation and comment rate limits hold across them."""

import os
import re

import pytest
import redis
from django.db import connection

from comments.models import Comment
from reliability.servers import AppServer, app_environment
from tests.utils.factories import ArticleFactory, CommentFactory

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

"""Which reads go to a replica: public pages' safe requests, unless the client just wrote, the replica does not
answer, or it may not hold the latest change; never the admin, writes, transactions or infrastructure tables."""

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.cache.backends.db import DatabaseCache
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from replicas import reads
from replicas.health import replicas
from replicas.middleware import COOKIE
from tests.utils.discussion import POSTER, comment_form_data, known_commenter, post_url
from tests.utils.factories import ArticleFactory
from tests.utils.html import parse

# A replica's connection sees only committed rows.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica_test"])


def queries_on(alias, client, path, **extra):
    """The response to a GET of ``path`` and the SQL it ran on ``alias``."""
    with CaptureQueriesContext(connections[alias]) as captured:
        response = client.get(path, **extra)
    return response, [query["sql"] for query in captured.captured_queries]


def test_without_replicas_every_read_goes_to_the_primary(client):
    article = ArticleFactory()

    response = client.get("/")

    assert article.title in response.text
    with reads_allowed("replica_1"):  # an alias this process does not define is never returned
        assert router.db_for_read(Article) == DEFAULT_DB_ALIAS


def test_an_anonymous_readers_public_page_reads_the_articles_from_the_replica(client, replica):
    article = ArticleFactory()

    response, on_replica = queries_on(replica, client, "/")

    assert response.status_code == 200 and article.title in response.text
    assert any('"articles_article"' in sql for sql in on_replica)


def test_sessions_cache_tables_task_queue_and_sign_in_throttle_are_read_from_the_primary(replica):
    cache_table = DatabaseCache("cache_default", {}).cache_model_class
    with reads_allowed(replica):
        assert router.db_for_read(Article) == replica
        for model in (Session, cache_table, DBTaskResult, AccessAttempt):
            assert router.db_for_read(model) == DEFAULT_DB_ALIAS, model


def test_reads_inside_a_transaction_and_after_a_write_go_to_the_primary(replica):
    article = ArticleFactory()
    with reads_allowed(replica):
        with transaction.atomic():
            assert router.db_for_read(Article) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Article) == replica
        assert router.db_for_write(Article, instance=article) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Article) == DEFAULT_DB_ALIAS  # for the rest of the request


def test_the_admin_reads_from_the_primary(client, replica, signed_in_superuser):
    response, on_replica = queries_on(replica, client, "/admin/articles/article/")

    assert response.status_code == 200
    assert on_replica == []


def test_a_client_that_posted_reads_from_the_primary_until_its_cookie_expires(client, replica, settings):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0  # checked on each request: found to hold the comment at once
    article = ArticleFactory()
    known_commenter(article)
    data = comment_form_data(parse(client.get(article.get_absolute_url()).text)) | POSTER

    posted = client.post(post_url(article), data)

    assert posted.status_code == 302
    cookie = posted.cookies[COOKIE]
    assert cookie["max-age"] == settings.DATABASE_READ_YOUR_WRITES_SECONDS and cookie["httponly"]
    _, on_replica = queries_on(replica, client, "/")
    assert on_replica == []

    client.cookies[COOKIE] = "0"  # expired
    _, on_replica = queries_on(replica, client, "/")
    assert on_replica != []


@pytest.mark.postgresql("an SQLite test database in memory cannot be closed under a connection")
def test_a_replica_that_does_not_answer_is_skipped_and_the_reader_gets_the_page(client, replica):
    article = ArticleFactory()
    stop_answering(replica)

    response = client.get("/")

    assert response.status_code == 200 and article.title in response.text
    assert replicas.state(replica).down


@pytest.mark.postgresql("an SQLite test database in memory cannot be closed under a connection")
def test_a_replica_that_fails_between_its_check_and_the_query_is_replaced_by_the_primary(client, replica, settings):
    settings.DATABASE_REPLICA_CHECK_SECONDS = 3600  # no check between the two requests
    article = ArticleFactory()
    assert client.get("/").status_code == 200
    assert not replicas.state(replica).down
    stop_answering(replica)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200 and article.title in response.text
    assert replicas.state(replica).down


def test_a_change_since_the_replicas_last_check_has_it_checked_again_before_it_is_read(client, replica, settings):
    """The replica here is the test database itself: it holds every change at once. One paused for real is not read
    after a change (test_streaming.py)."""
    settings.DATABASE_REPLICA_CHECK_SECONDS = 3600  # no check falls due during the test
    ArticleFactory()
    client.get("/")
    checked = replicas.state(replica).checked_at

    client.get("/")
    assert replicas.state(replica).checked_at == checked  # nothing changed: no check

    newer = ArticleFactory()  # moves the page cache's stamps
    response, on_replica = queries_on(replica, client, "/")

    assert replicas.state(replica).checked_at > checked
    assert newer.title in response.text
    assert any('"articles_article"' in sql for sql in on_replica)


class reads_allowed:
    """Reads of this block may go to ``alias``, as in a request the middleware let read from it."""

    def __init__(self, alias):
        self.alias = alias

    def __enter__(self):
        self.token = reads.read_from(self.alias)

    def __exit__(self, *exc):
        reads.reset(self.token)


def stop_answering(alias):
    """The replica goes away: its connection is cut and nothing answers where it was."""
    connection = connections[alias]
    connection.close()
    connection.settings_dict = connection.settings_dict | {"PORT": "1"}

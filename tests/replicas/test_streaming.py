"""Reads from a real streaming replica: a primary and a replica started on this machine (reliability/replication.py)
and app servers that read from it, one on the database cache without Redis, one on Redis with the page cache on.

Which server a page came from is seen in what it shows: the replica's replay is paused, a row is changed on the
primary behind the site's back (no stamp moves), and the page shows the old row when it was read from the replica.
"""

import os
import re
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest
import redis
from django.db import connection

from reliability.replication import StreamingReplica
from reliability.servers import AppServer, PostgresCluster, app_environment, manage, wait_until

REDIS_URL = os.environ.get("MULTI_SERVER_REDIS_URL", "redis://127.0.0.1:6379/15")
DATABASE = "replicas_streaming"
PASSWORD = "replica-test-password-0123456789"
SECRET_KEY = "replica-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
SITE = """
from tests.utils.factories import ArticleFactory, CommentFactory, UserFactory
UserFactory(username="editor", password={password!r}, is_staff=True, is_superuser=True)
first = ArticleFactory(title="The heptapod choir of Arrival", slug="heptapod-choir")
ArticleFactory(title="The heptapod score remembered", slug="heptapod-score")
CommentFactory(article=first, author_email="regular@example.com")
"""


@pytest.fixture(scope="module")
def cluster():
    """A primary and its streaming replica, shared by the module's tests."""
    if connection.vendor != "postgresql":
        pytest.skip("a streaming replica of PostgreSQL; run the suite with DATABASE_URL=postgres://...")
    primary = PostgresCluster()
    replica = StreamingReplica(primary)
    try:
        primary.create()
        replica.create()
        yield primary, replica
    finally:
        replica.destroy()
        primary.destroy()


@pytest.fixture(scope="module")
def servers(cluster, tmp_path_factory):
    """Two app servers reading from the replica: "steady" (database cache, no page cache, lag allowed up to five
    minutes, the replica checked on each request) and "strict" (Redis, page cache on, lag allowed up to a second,
    checked every second)."""
    primary, replica = cluster
    redis.Redis.from_url(REDIS_URL).flushdb()
    logs = tmp_path_factory.mktemp("replica-servers")
    common = {
        "database_url": primary.create_database(DATABASE),
        "secret_key": SECRET_KEY,
        "DATABASE_REPLICA_URLS": replica.url(DATABASE),
        "COMMENTS_MIN_SECONDS_TO_POST": "0",
        "DJANGO_LOG_LEVEL": "INFO",
        "WEB_CONCURRENCY": "1",
    }
    # The steady server checks the replica on every request: what it reads follows from the replica's state alone.
    steady_env = app_environment(
        **common,
        redis_url="",
        PAGE_CACHE_SECONDS="0",
        DATABASE_REPLICA_MAX_LAG_SECONDS="300",
        DATABASE_REPLICA_CHECK_SECONDS="0",
    )
    manage(steady_env, "migrate", "--no-input")
    manage(steady_env, "shell", "--command", SITE.format(password=PASSWORD))
    strict_env = app_environment(**common, redis_url=REDIS_URL, DATABASE_REPLICA_MAX_LAG_SECONDS="1")
    started = {}
    try:
        for name, env in (("steady", steady_env), ("strict", strict_env)):
            started[name] = AppServer(env, log=logs / f"{name}.log").start()
        yield started
    finally:
        for server in started.values():
            server.stop()


class Reader:
    """A browser: keeps its cookies, follows redirects; every answer must be a 200 (else the server's log says
    why)."""

    def __init__(self, server: AppServer):
        self.server = server
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def open(self, path: str, form: dict | None = None) -> str:
        url = f"http://127.0.0.1:{self.server.port}{path}"
        data = urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(url, data=data, timeout=30) as response:
                return response.read().decode()
        except HTTPError as error:
            pytest.fail(f"{path} answered {error.code}; the server's log:\n{self.server.log_text()[-5000:]}")

    def sign_in(self) -> None:
        page = self.open("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"username": "editor", "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"}
        assert "Site administration" in self.open("/admin/login/", form)

    def post_comment(self, slug: str, body: str) -> str:
        page = self.open(f"/articles/{slug}/")
        token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        form = {"author_name": "Regular", "author_email": "regular@example.com", "body": body, "form_token": token}
        return self.open(f"/articles/{slug}/comments/", form)


def rename_behind_the_sites_back(primary: PostgresCluster, slug: str, title: str) -> None:
    """Change an article's title on the primary directly: no page-cache stamp moves, so what a page shows tells
    which database it was read from."""
    with primary.connect(DATABASE) as database:
        database.execute("UPDATE articles_article SET title = %s WHERE slug = %s", [title, slug])


@pytest.fixture
def paused(cluster):
    """The replica's replay paused for the test (and resumed, caught up, after it)."""
    primary, replica = cluster
    replica.wait_until_caught_up()
    yield replica
    replica.resume_replay()
    replica.wait_until_caught_up()


def caught_up_reader(server: AppServer) -> Reader:
    """A reader whose first page lets the server check the replica while it holds everything."""
    reader = Reader(server)
    reader.open("/")
    return reader


def test_an_anonymous_reader_reads_from_the_replica_and_a_client_that_just_wrote_from_the_primary(
    cluster, servers, paused
):
    primary, _ = cluster
    anonymous, editor = caught_up_reader(servers["steady"]), Reader(servers["steady"])
    paused.pause_replay()
    rename_behind_the_sites_back(primary, "heptapod-score", "Renamed while the replica waits")

    assert "The heptapod score remembered" in anonymous.open("/")
    editor.sign_in()  # a successful POST: this client reads from the primary for a while
    assert "Renamed while the replica waits" in editor.open("/")
    assert "Renamed while the replica waits" not in anonymous.open("/")

    paused.resume_replay()
    wait_until(lambda: "Renamed while the replica waits" in anonymous.open("/"), what="the replica's rows shown")


def test_a_change_made_through_the_site_is_read_by_everyone_at_once_while_the_replica_lags(cluster, servers, paused):
    """The comment moves the page cache's stamps: a replica not known to hold it is not read."""
    writer, anonymous = Reader(servers["steady"]), caught_up_reader(servers["steady"])
    paused.pause_replay()

    writer.post_comment("heptapod-choir", "Posted while the replica waits.")

    assert "Posted while the replica waits." in anonymous.open("/articles/heptapod-choir/")
    assert not paused.caught_up()


def test_a_replica_lagging_beyond_the_limit_is_skipped(cluster, servers, paused):
    primary, _ = cluster
    strict, steady = caught_up_reader(servers["strict"]), caught_up_reader(servers["steady"])
    paused.pause_replay()
    rename_behind_the_sites_back(primary, "heptapod-choir", "Renamed past the allowed lag")

    # The strict server allows a second of lag: it soon reads from the primary, whose page is searched here (search
    # is never cached); the steady one still reads the replica's old row.
    wait_until(
        lambda: "Renamed past the allowed lag" in strict.open("/search/?q=heptapod"),
        what="the strict server reading from the primary",
    )
    assert "Renamed past the allowed lag" not in steady.open("/")
    assert "The heptapod choir of Arrival" in steady.open("/")


def test_a_stopped_replica_is_skipped_with_no_error_and_read_again_once_it_returns(cluster, servers):
    primary, replica = cluster
    replica.wait_until_caught_up()
    readers = [caught_up_reader(server) for server in servers.values()]
    replica.stop()
    try:
        for reader in readers:  # Reader fails the test on any answer but a 200
            for path in ("/", "/articles/heptapod-choir/", "/search/?q=heptapod", "/feeds/atom/"):
                reader.open(path)
    finally:
        replica.start()
    # The steady server checks on each request, so it has seen the replica go (the other may not have needed it).
    assert re.search(r"Replica replica_1 (failed|does not answer)", servers["steady"].log_text())

    replica.wait_until_streaming()
    replica.wait_until_caught_up()
    steady = readers[0] if readers[0].server is servers["steady"] else readers[1]
    wait_until(
        lambda: steady.open("/") and "Replica replica_1 answers" in servers["steady"].log_text(),
        what="the steady server finding the replica again",
    )
    replica.pause_replay()
    try:
        rename_behind_the_sites_back(primary, "heptapod-score", "Renamed once the replica is back")
        assert "Renamed once the replica is back" not in steady.open("/")
    finally:
        replica.resume_replay()

"""The in-process reading of one kind of request through the site's WSGI application: a GET as a browser sends it,
the bench's searches, or a comment POST as the bench's load sends it; and the bare Django app's beside it, in a
process of its own."""

import subprocess
import sys

import pytest
from django.db import connection

from bench.in_process import ServersCpu, call, posts, searches
from bench.pages import Page
from comments.models import Comment
from soundtrack_site.wsgi import application
from tests.utils.factories import ArticleFactory
from tests.utils.processes import ROOT, clean_environment

pytestmark = pytest.mark.django_db(transaction=True)  # the application opens its own connection's transactions


def test_a_get_through_the_wsgi_application_gives_its_status_and_the_bytes_sent(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]  # the bench's (bench.servers.environment)
    article = ArticleFactory(title="Read in process")

    status, sent, _queries = call(application, article.get_absolute_url(), {"HTTP_ACCEPT_ENCODING": "gzip"})
    plain_status, plain_sent, _queries = call(application, article.get_absolute_url(), {})

    assert status == plain_status == "200 OK"
    assert 0 < sent < plain_sent / 2  # compressed, as a browser that takes gzip gets it


def test_the_searches_are_the_benchs_three_read_in_turn(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    ArticleFactory(title="Leitmotif returns in the finale")
    pages = [
        Page("home", "Home", "/", None),
        Page("search_word", "Search: finale", "/search/?q=finale", None),
        Page("search_phrase", "Search: phrase", "/search/?q=%22leitmotif+returns%22", None),
    ]
    requests = searches(pages)

    read = [next(requests)[0] for _ in range(3)]

    assert read == ["/search/?q=finale", "/search/?q=%22leitmotif+returns%22", "/search/?q=finale"]
    assert call(application, read[1], {})[0] == "200 OK"


def test_the_posts_are_sent_as_the_load_sends_them_and_stored(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # the bench's: its tokens are posted at once
    article = ArticleFactory(title="Posted to in process")
    requests = posts([article.slug])

    answers = [call(application, *next(requests)) for _ in range(2)]

    assert [status for status, _sent, _queries in answers] == ["302 Found", "302 Found"]
    stored = Comment.objects.filter(article=article).order_by("pk")
    # Half of them from the bench's known commenters (listener<n>@example.com), half from new addresses.
    assert [comment.author_email.startswith("listener") for comment in stored] == [False, True]
    assert len({comment.submission_token for comment in stored}) == 2  # a fresh form token each


def test_the_bare_app_is_read_in_a_process_of_its_own_at_the_size_asked_for():
    reading = subprocess.run(
        [sys.executable, "-m", "bench.in_process", "bare", "--bytes", "5000", "--requests", "5"],
        cwd=ROOT,
        env=clean_environment(),
        timeout=60,
        capture_output=True,
        text=True,
        check=True,
    )

    assert "5 requests: " in reading.stdout
    assert "the last: 200 OK, 5000 bytes sent" in reading.stdout


def test_the_cpu_postgresql_spends_on_a_request_is_read_from_its_backend():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's backend process; run the suite with DATABASE_URL=postgres://...")
    servers = ServersCpu(postgresql=True, redis_url="")

    servers.start()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM generate_series(1, 5000000)")  # some tens of milliseconds of its CPU
    servers.stop()

    assert servers.spent["PostgreSQL"] > 0
    assert servers.described(1).startswith(" (and PostgreSQL ")


def test_nothing_is_said_of_servers_the_app_does_not_use():
    servers = ServersCpu(postgresql=False, redis_url="")

    servers.start()
    servers.stop()

    assert servers.described(1) == ""

"""Page cache hits for readers without a session, sent before Django handles the request (pagecache/wsgi.py), on
the production cache (Redis); everything else left to Django, which sends the same pages."""

import gzip
import re

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_started

from comments import services
from comments.models import Comment
from pagecache.stamps import NEXT_SCHEDULED_KEY, PAGES_KEY
from pagecache.wsgi import PageCacheApplication
from soundtrack_site.wsgi import application as production_application
from tests.utils.caches import redis_cache
from tests.utils.factories import ArticleFactory, CommentFactory, UserFactory
from tests.utils.wsgi import Sent

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

FORM_TOKEN = re.compile(rb'name="form_token" value="([^"]*)"')
SECURITY_HEADERS = {
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
}


@pytest.fixture(autouse=True)
def _redis(settings):
    with redis_cache(settings):
        yield


@pytest.fixture
def django_requests():
    """How many requests reached Django's request handling."""
    started = []

    def note(**kwargs):
        started.append(True)

    request_started.connect(note, weak=False)
    yield started
    request_started.disconnect(note)


@pytest.fixture
def article():
    article = ArticleFactory()
    CommentFactory.create_batch(3, article=article)
    return article


def site():
    return PageCacheApplication(WSGIHandler())


def test_the_site_sends_hits_before_django():
    assert isinstance(production_application, PageCacheApplication)


def test_a_hit_for_a_reader_without_a_session_is_sent_before_django(article, django_requests):
    application = site()
    miss = Sent(application, article.get_absolute_url())
    hits = [Sent(application, article.get_absolute_url()) for _ in range(2)]

    assert (miss.headers["X-Page-Cache"], *(hit.headers["X-Page-Cache"] for hit in hits)) == ("miss", "hit", "hit")
    assert len(django_requests) == 1
    assert [hit.status for hit in hits] == ["200 OK", "200 OK"]
    tokens = {FORM_TOKEN.search(sent.content).group(1) for sent in (miss, *hits)}
    assert len(tokens) == 3, "each view gets a form token of its own"
    assert {FORM_TOKEN.sub(b"", hit.content) for hit in hits} == {FORM_TOKEN.sub(b"", miss.content)}
    assert int(hits[0].headers["Content-Length"]) == len(hits[0].content)


def test_the_hit_sent_before_django_is_the_one_django_sends(article):
    application = site()
    Sent(application, article.get_absolute_url())
    before_django = Sent(application, article.get_absolute_url())
    through_django = Sent(application.application, article.get_absolute_url())  # the same hit, the whole way

    assert through_django.headers["X-Page-Cache"] == before_django.headers["X-Page-Cache"] == "hit"
    assert before_django.headers.keys() == through_django.headers.keys()
    per_view = {"Content-Length"}
    assert {k: v for k, v in before_django.headers.items() if k not in per_view} == {
        k: v for k, v in through_django.headers.items() if k not in per_view
    }
    assert FORM_TOKEN.sub(b"", before_django.content) == FORM_TOKEN.sub(b"", through_django.content)
    assert before_django.headers.keys() >= SECURITY_HEADERS
    assert before_django.headers["X-Frame-Options"] == "DENY"
    assert before_django.headers["Cache-Control"] == "public, max-age=0, s-maxage=60"


def test_a_browser_that_takes_gzip_gets_the_kept_gzip_copy_with_fresh_values(article, django_requests):
    application = site()
    plain = Sent(application, article.get_absolute_url())  # the miss, stored both ways
    hits = [Sent(application, article.get_absolute_url(), accept_encoding="gzip, br") for _ in range(2)]

    assert len(django_requests) == 1
    assert [hit.headers["Content-Encoding"] for hit in hits] == ["gzip", "gzip"]
    pages = [gzip.decompress(hit.content) for hit in hits]
    assert FORM_TOKEN.search(pages[0]).group(1) != FORM_TOKEN.search(pages[1]).group(1)
    assert FORM_TOKEN.sub(b"", pages[0]) == FORM_TOKEN.sub(b"", plain.content)


@pytest.mark.parametrize(
    ("how", "headers"),
    [
        ("a reader with a session", {"cookie": "sessionid=abc"}),
        ("a reader who commented", {"cookie": "own_comments=abc"}),
        ("messages waiting", {"cookie": "messages=abc"}),
        ("a conditional request", {"if_none_match": '"not-this-one"'}),
        ("an edge that assembles pages", {"surrogate_capability": 'varnish="ESI/1.0"'}),
    ],
)
def test_requests_a_hit_before_django_would_not_answer_rightly_go_to_django(article, django_requests, how, headers):
    application = site()
    Sent(application, article.get_absolute_url())
    Sent(application, article.get_absolute_url(), **headers)

    assert len(django_requests) == 2, how


def test_a_browser_revalidating_gets_djangos_304(article, django_requests):
    application = site()
    etag = Sent(application, article.get_absolute_url()).headers["ETag"]

    revalidated = Sent(application, article.get_absolute_url(), if_none_match=etag)

    assert revalidated.status.startswith("304") and revalidated.content == b""
    assert len(django_requests) == 2


def test_head_and_excluded_paths_go_to_django(article, django_requests):
    application = site()
    for _ in range(2):
        Sent(application, article.get_absolute_url(), method="HEAD")
        Sent(application, "/search/?q=score")

    assert len(django_requests) == 4


def test_a_host_the_site_does_not_serve_is_refused_by_django_with_the_security_headers(article, caplog):
    application = site()
    Sent(application, article.get_absolute_url())

    forged = Sent(application, article.get_absolute_url(), host="evil.example")

    assert forged.status.startswith("400")
    assert SECURITY_HEADERS - {"Cross-Origin-Opener-Policy"} <= forged.headers.keys()
    assert [record.name for record in caplog.records] == ["django.security.DisallowedHost"]


def test_a_change_is_on_the_next_view(article, django_requests):
    comment = CommentFactory(article=article, body="A comment soon rejected.")
    application = site()
    before = [Sent(application, article.get_absolute_url()) for _ in range(2)]
    assert comment.body.encode() in before[1].content

    services.moderate(Comment.objects.filter(pk=comment.pk), to_status=Comment.Status.REJECTED, actor=UserFactory())
    after = Sent(application, article.get_absolute_url())

    assert after.headers["X-Page-Cache"] == "miss"
    assert comment.body.encode() not in after.content
    assert len(django_requests) == 2


def test_stamps_the_cache_lost_or_a_scheduled_change_due_are_djangos_to_make(article, django_requests):
    application = site()
    Sent(application, article.get_absolute_url())
    cache.delete(PAGES_KEY)
    Sent(application, article.get_absolute_url())  # makes the pages stamp again (and renders the page under it)
    cache.delete(NEXT_SCHEDULED_KEY)
    Sent(application, article.get_absolute_url())  # looks the next scheduled change up again
    cache.set(NEXT_SCHEDULED_KEY, 1.0, timeout=None)  # due long ago
    Sent(application, article.get_absolute_url())
    after = Sent(application, article.get_absolute_url())

    assert len(django_requests) == 4
    assert after.headers["X-Page-Cache"] == "hit"


def test_with_the_cache_in_the_database_every_request_is_djangos(article, django_requests, settings):
    settings.CACHES = {
        "default": {"BACKEND": "soundtrack_site.cache.SharedDatabaseCache", "LOCATION": "cache_default"},
        "ratelimit": {"BACKEND": "soundtrack_site.cache.SharedDatabaseCache", "LOCATION": "cache_ratelimit"},
    }
    call_command("createcachetable", verbosity=0)
    application = site()
    sent = [Sent(application, article.get_absolute_url()) for _ in range(2)]

    assert [page.headers["X-Page-Cache"] for page in sent] == ["miss", "hit"]
    assert len(django_requests) == 2

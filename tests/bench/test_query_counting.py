"""The bench's query-count header, on every response: hits sent before Django included."""

import pytest
from django.core.handlers.wsgi import WSGIHandler

from bench.wsgi import HEADER, QueryCounting
from pagecache.wsgi import PageCacheApplication
from tests.utils.caches import redis_cache
from tests.utils.factories import ArticleFactory
from tests.utils.wsgi import Sent

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]


def test_a_miss_counts_its_queries_and_a_hit_none(settings):
    article = ArticleFactory()
    application = QueryCounting(PageCacheApplication(WSGIHandler()))
    with redis_cache(settings):
        miss, hit = (Sent(application, article.get_absolute_url()).headers for _ in range(2))

    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    assert int(miss[HEADER]) > 0
    assert hit[HEADER] == "0"

import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so cached pages or counters never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _page_cache_only_where_asked(request, settings):
    """Most tests check what a page renders, and change rows behind the page's back; the page cache has tests
    of its own, marked ``page_cache``."""
    if "page_cache" not in request.keywords:
        settings.PAGE_CACHE_SECONDS = 0

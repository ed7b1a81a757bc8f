import os
from contextlib import contextmanager

from django.core.cache import cache

REDIS_URL = os.environ.get("PAGECACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@contextmanager
def redis_cache(settings):
    """The production caches (Redis) for the length of the block, empty at its start and end."""
    settings.CACHES = {
        "default": {"BACKEND": "soundtrack_site.cache.ResilientRedisCache", "LOCATION": REDIS_URL},
        "ratelimit": {"BACKEND": "soundtrack_site.cache.SharedClientRedisCache", "LOCATION": REDIS_URL},
    }
    cache.clear()
    try:
        yield
    finally:
        cache.clear()

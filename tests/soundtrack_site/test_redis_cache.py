"""The Redis cache backends keep one client per connection pool, and work the same through it."""

import os

import pytest

from soundtrack_site.cache import ResilientRedisCache, SharedClientRedisCache

REDIS_URL = os.environ.get("CACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture(params=[SharedClientRedisCache, ResilientRedisCache], ids=["ratelimit alias", "default alias"])
def redis_cache(request):
    cache = request.param(REDIS_URL, {"KEY_PREFIX": "cache-test"})
    cache.clear()
    yield cache
    cache.clear()


def test_every_command_goes_through_the_same_client(redis_cache):
    client = redis_cache._cache.get_client(write=True)

    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client("any key") is client  # one server: reads use the same pool


def test_values_counters_and_expiry_work_through_the_shared_client(redis_cache):
    redis_cache.set("page", {"html": "<p>Kept</p>"}, timeout=60)
    redis_cache.set_many({"a": 1, "b": None}, timeout=None)

    assert redis_cache.get("page") == {"html": "<p>Kept</p>"}
    assert redis_cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": None}
    assert redis_cache.add("counter", 1, timeout=60) is True
    assert redis_cache.add("counter", 1, timeout=60) is False
    assert redis_cache.incr("counter") == 2
    with pytest.raises(ValueError):
        redis_cache.incr("no-such-counter")
    redis_cache.delete("page")
    assert redis_cache.get("page") is None

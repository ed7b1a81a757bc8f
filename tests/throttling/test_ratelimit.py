"""The rate limiter counts the same way on every backend of the "ratelimit" cache: Redis (one round trip for
several counters), the database's table and the process's memory."""

import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import caches

from throttling import ratelimit

REDIS_URL = os.environ.get("CACHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
NOW = datetime(2026, 6, 1, 12, 0, 10, tzinfo=UTC)
BACKENDS = {
    "redis": {"BACKEND": "soundtrack_site.cache.SharedClientRedisCache", "LOCATION": REDIS_URL},
    "database": {"BACKEND": "soundtrack_site.cache.SharedDatabaseCache", "LOCATION": "cache_ratelimit"},
    "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit-test"},
}


def use_counters(settings, backend: str):
    """The "ratelimit" cache on this backend. Redis's keys get a prefix of their own (they expire by themselves):
    clearing would empty the whole Redis database."""
    settings.CACHES = settings.CACHES | {"ratelimit": BACKENDS[backend] | {"KEY_PREFIX": uuid.uuid4().hex}}
    if backend != "redis":
        caches["ratelimit"].clear()
    return caches["ratelimit"]


@pytest.fixture(params=list(BACKENDS))
def counters(request, settings, db):
    if request.param == "database":
        from django.core.management import call_command

        call_command("createcachetable", "cache_ratelimit", verbosity=0)
    return use_counters(settings, request.param)


def test_each_identity_is_counted_on_its_own_and_every_count_goes_up(counters):
    with time_machine.travel(NOW, tick=False):
        assert ratelimit.hit_each(
            [("comment-ip", "203.0.113.5"), ("comment-email", "a@example.com")], limit=2, window=60
        ) == [True, True]
        assert ratelimit.hit("comment-ip", "203.0.113.5", limit=2, window=60) is True
        # The address is past its limit; the email's count still goes up with it.
        assert ratelimit.hit_each(
            [("comment-ip", "203.0.113.5"), ("comment-email", "a@example.com")], limit=2, window=60
        ) == [False, True]
        assert ratelimit.hit("comment-email", "A@example.com ", limit=2, window=60) is False  # the same email


def test_the_next_window_counts_from_one_again(counters):
    with time_machine.travel(NOW, tick=False) as clock:
        for _ in range(3):
            ratelimit.hit("comment-ip", "203.0.113.5", limit=2, window=60)
        assert ratelimit.hit("comment-ip", "203.0.113.5", limit=2, window=60) is False

        clock.shift(timedelta(seconds=60))

        assert ratelimit.hit("comment-ip", "203.0.113.5", limit=2, window=60) is True


def test_a_limit_of_zero_refuses_the_first_attempt(counters):
    assert ratelimit.hit("comment-ip", "203.0.113.5", limit=0, window=60) is False


def test_a_redis_counter_expires_after_its_window(settings):
    counters = use_counters(settings, "redis")
    with time_machine.travel(NOW, tick=False):
        ratelimit.hit("comment-ip", "203.0.113.5", limit=5, window=60)
        key = ratelimit._key("comment-ip", "203.0.113.5", 60)

    client = counters._cache.get_client(write=True)
    assert 0 < client.ttl(counters.make_and_validate_key(key)) <= 61
    assert counters.get(key) == 1  # the cache reads the count as the number it is


def test_an_unreachable_redis_makes_the_limits_unavailable(settings):
    settings.CACHES = settings.CACHES | {
        "ratelimit": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1"}
    }

    with pytest.raises(ratelimit.RateLimitUnavailable):
        ratelimit.hit_each([("comment-ip", "203.0.113.5"), ("comment-email", "a@example.com")], limit=5, window=60)

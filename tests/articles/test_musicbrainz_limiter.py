"""One MusicBrainz request a second from every process together: limiters that share the site's cache (Redis, or
the database's table) at the same instant each take a slot of their own, a second apart. Threads stand in for
processes: each limiter has its own connection, as a process would."""

import os
import threading

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connections

from articles.musicbrainz import MusicBrainzError, RateLimiter
from soundtrack_site.cache import SharedClientRedisCache

REDIS_URL = os.environ.get("MUSICBRAINZ_TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
CALLERS = 4


def waits_of_callers_at_the_same_instant(cache) -> list[float]:
    """The wait of each of CALLERS limiters that ask at once, at the same time, through ``cache``."""
    waits, start = [], threading.Barrier(CALLERS)

    def call():
        limiter = RateLimiter(cache=cache, clock=lambda: 1000.0, sleep=waits.append)
        start.wait()
        try:
            limiter.wait()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call) for _ in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(waits)


@pytest.fixture
def redis_cache():
    cache = SharedClientRedisCache(REDIS_URL, {"KEY_PREFIX": "musicbrainz-limiter-test"})
    cache.clear()
    yield cache
    cache.clear()


def test_callers_sharing_redis_go_a_second_apart(redis_cache):
    # The first goes at once (no sleep), the others 1, 2 and 3 seconds later.
    assert waits_of_callers_at_the_same_instant(redis_cache) == [1.0, 2.0, 3.0]


@pytest.fixture
def database_cache(settings):
    settings.CACHES = settings.CACHES | {
        "ratelimit": {"BACKEND": "soundtrack_site.cache.SharedDatabaseCache", "LOCATION": "test_musicbrainz_slots"}
    }
    call_command("createcachetable", verbosity=0)
    yield caches["ratelimit"]
    with connections["default"].cursor() as cursor:
        cursor.execute("DROP TABLE test_musicbrainz_slots")


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql("concurrent writers on one database")
def test_callers_sharing_the_database_table_go_a_second_apart(database_cache):
    assert waits_of_callers_at_the_same_instant(database_cache) == [1.0, 2.0, 3.0]


def test_counters_that_cannot_be_reached_give_the_editor_a_message_not_an_error():
    unreachable = SharedClientRedisCache("redis://127.0.0.1:1/0", {})
    limiter = RateLimiter(cache=unreachable, clock=lambda: 1000.0, sleep=lambda seconds: None)

    with pytest.raises(MusicBrainzError, match="cannot pace its requests"):
        limiter.wait()

"""The cache of a site without Redis: a table in the database, shared by every process, its counts exact."""

import threading

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connections

from throttling.ratelimit import hit

pytestmark = pytest.mark.django_db(transaction=True)

THREADS, HITS = 4, 15


@pytest.fixture
def counters_in_the_database(settings):
    settings.CACHES = settings.CACHES | {
        "ratelimit": {"BACKEND": "soundtrack_site.cache.SharedDatabaseCache", "LOCATION": "test_ratelimit_cache"}
    }
    call_command("createcachetable", verbosity=0)
    yield caches["ratelimit"]
    with connections["default"].cursor() as cursor:
        cursor.execute("DROP TABLE test_ratelimit_cache")


def test_the_table_keeps_what_is_set(counters_in_the_database):
    counters_in_the_database.set("seen", 1)

    assert counters_in_the_database.get("seen") == 1


def test_a_count_goes_up_by_one_a_hit_and_a_missing_one_is_an_error(counters_in_the_database):
    counters_in_the_database.add("count", 1)

    assert [counters_in_the_database.incr("count") for _ in range(3)] == [2, 3, 4]
    with pytest.raises(ValueError):
        counters_in_the_database.incr("never-set")


@pytest.mark.postgresql("concurrent writers on one database")
def test_hits_counted_at_the_same_time_are_each_counted(counters_in_the_database):
    allowed = []
    start = threading.Barrier(THREADS)

    def count_hits():
        start.wait()
        allowed.extend(hit("test", "one-client", limit=10, window=600) for _ in range(HITS))
        connections.close_all()

    threads = [threading.Thread(target=count_hits) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert allowed.count(True) == 10
    assert len(allowed) == THREADS * HITS

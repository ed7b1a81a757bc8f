"""Each process holds the page cache's stamps and versions while Redis tells it of every change to them (a real Redis,
tracking on over RESP3): held values cost no round trip, and a change made anywhere shows on the next read."""

import pytest
import redis
from django.core.cache import cache

from pagecache import stamps, tracked
from pagecache.tracked import CLIENT_NAME, TrackedValues
from soundtrack_site.cache import ResilientRedisCache
from tests.utils.caches import REDIS_URL, redis_cache

pytestmark = pytest.mark.django_db

KEYS = [stamps.PAGES_KEY, stamps.NEXT_SCHEDULED_KEY, "pagecache:version:article"]
READS = 50


@pytest.fixture
def tracking(settings):
    with redis_cache(settings):
        cache.set_many({stamps.PAGES_KEY: 100.0, stamps.NEXT_SCHEDULED_KEY: 0.0, "pagecache:version:article": "v1"})
        yield tracked.tracked_values()


@pytest.fixture
def other_process():
    """The shared cache through a connection of its own, as another process writes to it."""
    return ResilientRedisCache(REDIS_URL, {})


def commands_served() -> int:
    return redis.Redis.from_url(REDIS_URL).info("stats")["total_commands_processed"]


def test_values_read_once_are_held_and_read_again_without_a_round_trip(tracking):
    first = tracked.get_many(KEYS)
    before = commands_served()
    again = [tracked.get_many(KEYS) for _ in range(READS)]
    asked = commands_served() - before

    assert first == {stamps.PAGES_KEY: 100.0, stamps.NEXT_SCHEDULED_KEY: 0.0, "pagecache:version:article": "v1"}
    assert all(values == first for values in again)
    assert asked < 5  # the INFO commands themselves, and any other client's; a round trip each would be 50


def test_a_change_made_by_another_process_shows_on_the_next_read(tracking, other_process):
    assert tracked.get_many(KEYS)[stamps.PAGES_KEY] == 100.0

    other_process.set(stamps.PAGES_KEY, 101.0, timeout=None)
    other_process.delete("pagecache:version:article")

    assert tracked.get_many(KEYS) == {stamps.PAGES_KEY: 101.0, stamps.NEXT_SCHEDULED_KEY: 0.0}


def test_a_change_this_process_makes_shows_at_once(tracking):
    tracked.get_many(KEYS)

    tracked.set_many({"pagecache:version:article": "v2"})

    assert tracked.get_many(KEYS)["pagecache:version:article"] == "v2"


def test_the_stamps_move_through_the_held_values(tracking):
    before = stamps.pages_stamp()[0]

    stamps.catalogue_changed()

    assert stamps.pages_stamp()[0] > before
    assert stamps.latest_change() == stamps.pages_stamp()[0]


def test_the_values_held_are_bounded(tracking, monkeypatch):
    monkeypatch.setattr(tracked, "HELD_MAX", 3)
    cache.set(stamps.CATALOGUE_KEY, 50.0, timeout=None)
    tracked.get_many(KEYS)
    assert len(tracking.held) == 3

    tracked.get_many([stamps.CATALOGUE_KEY])  # one more: all are dropped first

    assert list(tracking.held) == [cache.make_key(stamps.CATALOGUE_KEY).encode()]
    assert tracked.get_many(KEYS)[stamps.PAGES_KEY] == 100.0


def test_a_value_is_held_no_longer_than_its_bound(tracking, monkeypatch):
    tracked.get_many(KEYS)
    monkeypatch.setattr(tracked, "HELD_SECONDS", 0.0)  # every value held is past it: read again each time

    before = commands_served()
    values = [tracked.get_many(KEYS) for _ in range(READS)]
    asked = commands_served() - before

    assert values == [tracked.get_many(KEYS)] * READS
    assert asked >= READS


def test_a_forked_process_opens_a_connection_of_its_own(tracking):
    tracked.get_many(KEYS)
    parents = tracking.connection
    tracking.pid = -1  # as a child sees the connection its parent opened before forking

    tracked.get_many(KEYS)

    assert tracking.connection is not None and tracking.connection is not parents
    assert tracking.pid > 0


def test_a_flushed_cache_drops_every_value_held(tracking, other_process):
    tracked.get_many(KEYS)

    other_process.clear()

    assert tracked.get_many(KEYS) == {}


def test_keys_that_are_not_tracked_are_read_each_time_in_the_same_round_trip(tracking, other_process):
    cache.set("pagecache:page:article", "the page")
    assert tracked.get_many([*KEYS, "pagecache:page:article"])["pagecache:page:article"] == "the page"

    other_process.set("pagecache:page:article", "the page again")  # no name comes for it: never held

    assert tracked.get_many([*KEYS, "pagecache:page:article"])["pagecache:page:article"] == "the page again"


def test_a_lost_connection_drops_every_value_and_is_opened_again(tracking, other_process):
    tracked.get_many(KEYS)
    server = redis.Redis.from_url(REDIS_URL)
    killed = server.client_kill_filter(_id=_tracking_client_id(server, tracking))

    other_process.set(stamps.PAGES_KEY, 102.0, timeout=None)  # no connection to hear of it on

    assert killed == 1
    assert tracked.get_many(KEYS)[stamps.PAGES_KEY] == 102.0
    tracking.retry_at = 0.0  # not waiting the second before it is tried again
    tracked.get_many(KEYS)
    assert _tracking_client_id(server, tracking) is not None
    other_process.set(stamps.PAGES_KEY, 103.0, timeout=None)
    assert tracked.get_many(KEYS)[stamps.PAGES_KEY] == 103.0


def test_without_tracking_every_read_asks_redis(settings):
    with redis_cache(settings):
        settings.PAGE_CACHE_TRACKING = False
        cache.set_many({stamps.PAGES_KEY: 100.0})
        before = commands_served()
        values = [tracked.get_many([stamps.PAGES_KEY]) for _ in range(READS)]
        asked = commands_served() - before

    assert values == [{stamps.PAGES_KEY: 100.0}] * READS
    assert asked >= READS


def test_when_redis_cannot_track_nothing_is_held_and_every_read_asks(tracking):
    unreachable = TrackedValues("redis://127.0.0.1:1/0")  # nothing listens there: tracking cannot start

    unreachable.get_many(KEYS)
    before = commands_served()
    values = [unreachable.get_many(KEYS) for _ in range(READS)]
    asked = commands_served() - before

    assert values == [tracked.get_many(KEYS)] * READS
    assert asked >= READS
    assert unreachable.held == {}


def test_a_cache_not_on_redis_is_read_each_time():
    assert tracked.tracked_values() is None  # the tests' cache: in memory or the database's
    cache.set(stamps.PAGES_KEY, 7.0)

    assert tracked.get_many([stamps.PAGES_KEY]) == {stamps.PAGES_KEY: 7.0}


def _tracking_client_id(server: redis.Redis, values: TrackedValues) -> int | None:
    """The id Redis knows this process's tracking connection by (other processes may have one too)."""
    address = "{}:{}".format(*values.connection.getsockname()) if values.connection else None
    return next((c["id"] for c in server.client_list() if c["name"] == CLIENT_NAME and c["addr"] == address), None)

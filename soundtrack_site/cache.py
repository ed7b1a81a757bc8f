"""The caches: Redis that fails soft, and the database's table for a site without Redis.

A cache is an optimisation: when Redis is unreachable, reads miss and writes are dropped, so pages are rendered
from the database instead of failing. The outage is logged (once a minute, not once a request), and recovery
needs no restart: every call tries Redis again. Rate limits use a second alias, "ratelimit", on the plain
backend, so they can choose to fail open or closed (COMMENTS_RATE_LIMIT_FAIL_OPEN).
"""

import base64
import logging
import pickle
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import connections, router
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
LOG_EVERY_SECONDS = 60


class SharedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` for every command (about 0.25 ms of CPU each: it fills a table
    of some 170 reply handlers); one per connection pool serves every command, as redis-py intends (it takes a
    connection from the pool per command, so it is safe across threads)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if (client := self._clients.get(id(pool))) is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    """Django's Redis cache with one client per connection pool (the "ratelimit" alias)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def validate_key(self, key):
        """Nothing to check: Redis takes any key. Django's check warns of keys memcached would refuse, looking at
        every character of every key on every call (a page cache hit makes three)."""


class ResilientRedisCache(SharedClientRedisCache):
    _last_logged = 0.0

    def _unavailable(self, operation: str, error: Exception, default=None):
        now = time.monotonic()
        if now - ResilientRedisCache._last_logged >= LOG_EVERY_SECONDS:
            ResilientRedisCache._last_logged = now
            logger.warning("Cache unavailable (%s: %s); serving without it.", operation, error)
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except (RedisError, OSError) as error:
            return self._unavailable("get", error, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except (RedisError, OSError) as error:
            return self._unavailable("get_many", error, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except (RedisError, OSError) as error:
            return self._unavailable("has_key", error, False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except (RedisError, OSError) as error:
            return self._unavailable("add", error, False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except (RedisError, OSError) as error:
            return self._unavailable("set", error)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except (RedisError, OSError) as error:
            return self._unavailable("set_many", error, list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except (RedisError, OSError) as error:
            return self._unavailable("touch", error, False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except (RedisError, OSError) as error:
            return self._unavailable("delete", error, False)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except (RedisError, OSError) as error:
            return self._unavailable("delete_many", error)


class SharedDatabaseCache(DatabaseCache):
    """Django's database cache, shared by every process that uses the database (a server's workers, another
    server, `manage.py` commands), with an increment that is atomic across them: a rate limit's count is written
    only over the count it was computed from, and computed again when another process wrote first."""

    def incr(self, key, delta=1, version=None):
        connection = connections[router.db_for_write(self.cache_model_class)]
        table = connection.ops.quote_name(self._table)
        stored_key = self.make_and_validate_key(key, version=version)
        while True:
            value = self.get(key, version=version)
            if value is None:
                raise ValueError(f"Key '{key}' not found")
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET value = %s WHERE cache_key = %s AND value = %s",  # noqa: S608 (our table)
                    [self._encoded(value + delta), stored_key, self._encoded(value)],
                )
                if cursor.rowcount:
                    return value + delta

    def _encoded(self, value) -> str:
        """A value as the table holds it (what DatabaseCache writes)."""
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

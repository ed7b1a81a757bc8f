"""The page cache's small values (the stamps, the kept pages' versions) held in each process while Redis tells it of
every change to them: Redis's server-assisted client-side caching.

A hit reads the pages stamp, the next scheduled change and its page's version on every view, and they change a few
times a minute at most; a round trip to Redis for them cost a hit about half of its CPU. So each process opens a
connection of its own to Redis and turns tracking on for these keys (``CLIENT TRACKING ON BCAST``, over RESP3):
Redis then writes on it the name of each such key that changes, whoever changes it (set, deleted, expired, evicted,
or the database flushed). Before it answers from what it holds, the process reads what is waiting on that connection
(a read that does not wait: no round trip) and drops the values named.

A change shows on the next view in every process, as when each view asked Redis: Redis queues the names in the
same pass of its event loop as its answer to the write that changed them, and writes the clients it queued last
first (io-threads off, its default), so the names are on every process's connection before the writer has its
answer. What a process writes itself it drops at once (``set_many()``), not waiting for the names to come back.

When the connection cannot be opened or is lost (Redis restarted, a network fault), nothing is held: every read is
a round trip, as before, and the connection is tried again a second later. A value is held ``HELD_SECONDS`` at most,
a bound should the connection die without a word. Only the default cache on Redis is tracked; any other cache
(the database's, memory in tests) is read each time.
"""

import logging
import os
import socket
import ssl
import threading
import time
from functools import cache as once

import hiredis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.dispatch import receiver
from redis.connection import SSLConnection, parse_url

logger = logging.getLogger(__name__)

# The keys held: the stamps (pagecache/stamps.py) and the versions of the kept pages (stored.version_key()).
PREFIXES = (
    "pagecache:pages",
    "pagecache:next-scheduled",
    "pagecache:catalogue",
    "pagecache:discussion:",
    "pagecache:version:",
)
CLIENT_NAME = "pagecache-tracking"  # what CLIENT LIST shows for these connections
HELD_SECONDS = 5.0
# Values held at most (a discussion stamp per article read, a version per page copied: ~200 bytes each); past it,
# all are dropped and read again, so a crawl of every page cannot grow a process without bound.
HELD_MAX = 10_000
RETRY_SECONDS = 1.0
CONNECT_TIMEOUT = 0.5
READ_SIZE = 65536


def get_many(keys: list[str]) -> dict:
    """``cache.get_many(keys)``, with the values held of the keys tracked: no round trip when all are held."""
    return values.get_many(keys) if (values := tracked_values()) else cache.get_many(keys)


def set_many(data: dict, timeout=None) -> None:
    """``cache.set_many(data, timeout)``, dropping what this process held of them."""
    cache.set_many(data, timeout=timeout)
    if values := tracked_values():
        values.forget(data)


@once
def tracked_values() -> "TrackedValues | None":
    """The process's tracked values: on when the default cache is on Redis (``PAGE_CACHE_TRACKING``)."""
    if not settings.PAGE_CACHE_TRACKING or not isinstance(caches["default"], RedisCache):
        return None
    location = settings.CACHES["default"]["LOCATION"]
    return TrackedValues((location.split(",") if isinstance(location, str) else location)[0].strip())  # the primary


@receiver(setting_changed)
def _forget_tracked_values(setting, **kwargs):
    if setting in ("CACHES", "PAGE_CACHE_TRACKING"):
        if values := tracked_values():
            values.lose()
        tracked_values.cache_clear()


class TrackedValues:
    def __init__(self, url: str):
        self.url = url
        self.held: dict[bytes, tuple[float, object]] = {}  # the Redis key: when it was read, its value
        self.lock = threading.Lock()  # gunicorn's threaded workers share the process's values
        self.connection: socket.socket | None = None
        self.reader = None
        self.pid = 0
        self.retry_at = 0.0
        self.changes = 0  # names received so far: a value read while some came is not kept
        self.failing = False  # logged once when tracking fails, and once when it is back

    def get_many(self, keys: list[str]) -> dict:
        now = time.monotonic()
        tracked = {key: cache.make_key(key).encode() for key in keys if key.startswith(PREFIXES)}
        found, missing = {}, [key for key in keys if key not in tracked]
        with self.lock:
            listening = self._listen()
            for key, name in tracked.items():
                if listening and (held := self.held.get(name)) and now - held[0] < HELD_SECONDS:
                    found[key] = held[1]
                else:
                    missing.append(key)
            changes = self.changes
        if not missing:
            return found
        read = cache.get_many(missing)
        with self.lock:
            if listening and self._listen() and self.changes == changes:
                if len(self.held) >= HELD_MAX:
                    self.held.clear()
                self.held.update((tracked[key], (now, value)) for key, value in read.items() if key in tracked)
        return found | read

    def forget(self, keys) -> None:
        with self.lock:
            for key in keys:
                self.held.pop(cache.make_key(key).encode(), None)

    def _listen(self) -> bool:
        """Reads the names waiting on the connection, dropping their values; opens the connection first when it is
        not open (at most every ``RETRY_SECONDS``). Whether the connection is open (else nothing may be held)."""
        if self.connection is not None and self.pid != os.getpid():
            self.lose()  # a connection the parent opened before forking: the parent's, not ours
        if self.connection is None:
            if time.monotonic() < self.retry_at:
                return False
            try:
                self._connect()
            except (OSError, hiredis.ProtocolError) as error:
                self._fail(error)
                return False
            if self.failing:
                self.failing = False
                logger.warning("The page cache's values are tracked by Redis again.")
        try:
            self._read_names()
        except (OSError, hiredis.ProtocolError) as error:
            self._fail(error)
            return False
        return True

    def _fail(self, error: Exception) -> None:
        if not self.failing:
            self.failing = True
            logger.warning("Redis cannot track the page cache's values (%s): every hit asks Redis.", error)
        self.lose(retry_later=True)

    def _connect(self) -> None:
        options = parse_url(self.url)
        if "path" in options:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(CONNECT_TIMEOUT)
            connection.connect(options["path"])
        else:
            connection = socket.create_connection((options["host"], options["port"]), timeout=CONNECT_TIMEOUT)
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        if options.get("connection_class") is SSLConnection:
            context = ssl.create_default_context()
            if options.get("ssl_cert_reqs") in ("none", ssl.CERT_NONE):
                context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            connection = context.wrap_socket(connection, server_hostname=options["host"])
        self.connection, self.reader, self.pid = connection, hiredis.Reader(), os.getpid()
        hello = ["HELLO", "3", "SETNAME", CLIENT_NAME]
        if options.get("password"):
            hello += ["AUTH", options.get("username") or "default", options["password"]]
        prefixes = [part for prefix in PREFIXES for part in ("PREFIX", cache.make_key(prefix))]
        connection.sendall(hiredis.pack_command(tuple(hello)))
        connection.sendall(hiredis.pack_command(("CLIENT", "TRACKING", "ON", "BCAST", *prefixes)))
        for _ in range(2):
            if isinstance(reply := self._reply(), hiredis.ReplyError):
                raise ConnectionError(f"Redis refused to track the page cache's keys: {reply}")
        connection.setblocking(False)

    def _reply(self):
        while (reply := self.reader.gets()) is False:
            if not (data := self.connection.recv(READ_SIZE)):
                raise ConnectionError("Redis closed the connection")
            self.reader.feed(data)
        return reply

    def _read_names(self) -> None:
        while True:
            try:
                data = self.connection.recv(READ_SIZE)
            except (BlockingIOError, ssl.SSLWantReadError):
                break
            if not data:
                raise ConnectionError("Redis closed the connection")
            self.reader.feed(data)
            if len(data) < READ_SIZE:
                break
        while (message := self.reader.gets()) is not False:
            if isinstance(message, hiredis.PushNotification) and message[0] == b"invalidate":
                self.changes += 1
                if message[1] is None:  # the database flushed
                    self.held.clear()
                else:
                    for name in message[1]:
                        self.held.pop(name, None)

    def lose(self, *, retry_later: bool = False) -> None:
        """Closes the connection and drops every value: none is vouched for any more. ``retry_later``: the
        connection failed, and is not tried again for ``RETRY_SECONDS``."""
        if self.connection is not None:
            self.connection.close()  # in a forked child, its own copy of the descriptor: the parent's stays open
        self.connection, self.reader = None, None
        self.held.clear()
        self.changes += 1
        self.retry_at = time.monotonic() + RETRY_SECONDS if retry_later else 0.0

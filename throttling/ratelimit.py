"""Fixed-window rate limits kept in the "ratelimit" cache, so every app server sharing Redis shares the counts."""

import hashlib
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError


class RateLimitUnavailable(Exception):
    """The counters cannot be reached; the caller decides whether to fail open or closed."""


def _key(scope: str, identity: str, window: int) -> str:
    digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{int(time.time() // window)}"


def hit(scope: str, identity: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while the identity stays within ``limit`` attempts per ``window`` seconds."""
    return hit_each([(scope, identity)], limit=limit, window=window)[0]


def hit_each(attempts: list[tuple[str, str]], *, limit: int, window: int) -> list[bool]:
    """Count one attempt for each (scope, identity); for each, whether it stays within ``limit`` per ``window``
    seconds. Every count goes up, whichever are past the limit."""
    keys = [_key(scope, identity, window) for scope, identity in attempts]
    try:
        counts = _count(keys, window=window)
    except (RedisError, OSError) as error:
        raise RateLimitUnavailable(str(error)) from error
    return [count <= limit for count in counts]


def _count(keys: list[str], *, window: int) -> list[int]:
    counters = caches["ratelimit"]
    if isinstance(counters, RedisCache):
        # One round trip for all the counters: each is created with its expiry if it is not there, then counted,
        # in one MULTI/EXEC (so a counter cannot expire between the two and be left without one).
        with counters._cache.get_client(write=True).pipeline(transaction=True) as pipe:
            for key in keys:
                stored = counters.make_and_validate_key(key)
                pipe.set(stored, 0, ex=window + 1, nx=True)
                pipe.incr(stored)
            return pipe.execute()[1::2]
    counts = []
    for key in keys:
        if counters.add(key, 1, timeout=window + 1):
            counts.append(1)
            continue
        try:
            counts.append(counters.incr(key))
        except ValueError:  # expired between add and incr
            counters.add(key, 1, timeout=window + 1)
            counts.append(1)
    return counts

"""Fixed-window rate limits kept in the "ratelimit" cache, so every app server sharing Redis shares the counts."""

import hashlib
import time

from django.core.cache import caches
from redis.exceptions import RedisError


class RateLimitUnavailable(Exception):
    """The counters cannot be reached; the caller decides whether to fail open or closed."""


def _key(scope: str, identity: str, window: int) -> str:
    digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{int(time.time() // window)}"


def hit(scope: str, identity: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while the identity stays within ``limit`` attempts per ``window`` seconds."""
    counters = caches["ratelimit"]
    key = _key(scope, identity, window)
    try:
        if counters.add(key, 1, timeout=window + 1):
            return limit >= 1  # the first attempt in this window (one round trip to Redis)
        try:
            count = counters.incr(key)
        except ValueError:  # expired between add and incr
            counters.add(key, 1, timeout=window + 1)
            count = 1
    except (RedisError, OSError) as error:
        raise RateLimitUnavailable(str(error)) from error
    return count <= limit

"""Fixed-window rate limits kept in Django's cache, so every app server sharing Redis shares the counts."""

import hashlib
import time

from django.core.cache import cache


def _key(scope: str, identity: str, window: int) -> str:
    digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}:{int(time.time() // window)}"


def hit(scope: str, identity: str, *, limit: int, window: int) -> bool:
    """Count one attempt; True while the identity stays within ``limit`` attempts per ``window`` seconds."""
    key = _key(scope, identity, window)
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        count = 1
    return count <= limit

"""Whole public pages cached for readers without a session, invalidated by version stamps.

Any change readers could see moves the page stamp: every cached page is then stale at once, with no scanning of
keys, on every app server sharing the cache. Two finer stamps serve the fragments pages are assembled from
(article parts, comment sections): the catalogue stamp, which ``content_changed()`` moves (articles, works,
composers, tags…), and each article's comment stamp, which ``comments_changed()`` moves. So approving a comment on
one article makes every cached page stale but only that article's comment section: the others' pages are put
together again from their cached fragments. A scheduled article going public moves the page and catalogue stamps,
lazily, on the first request after its publish time.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag

VERSION_KEY = "pagecache:version"
CATALOGUE_KEY = "pagecache:catalogue"
NEXT_PUBLISH_KEY = "pagecache:next-publish"
NO_SCHEDULED_ARTICLE = 0.0
CACHEABLE_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml", "text/plain")


def content_changed() -> None:
    """Call after any change to what public pages show, comments aside (``comments_changed()``)."""
    _move_on_change([VERSION_KEY, CATALOGUE_KEY], scheduling_may_change=True)


def comments_changed(article_ids) -> None:
    """Call after a change to the comments these articles show."""
    _move_on_change([VERSION_KEY, *(comments_key(pk) for pk in set(article_ids))])


def comments_key(article_id: int) -> str:
    return f"pagecache:comments:{article_id}"


def _move_on_change(keys: list[str], *, scheduling_may_change: bool = False) -> None:
    """Safe inside a transaction: the stamps move at once (the transaction's own reads see the change) and again on
    commit (a fragment another request rendered in between, from the data before the commit, is not kept)."""

    def move():
        _move(keys, scheduling_may_change=scheduling_may_change)

    if transaction.get_connection().in_atomic_block:
        move()
    transaction.on_commit(move)  # outside a transaction, this runs now


def _move(keys: list[str], *, at: float | None = None, scheduling_may_change: bool = False) -> dict[str, float]:
    # Always past the previous stamp, even when two changes share a clock tick (or a test freezes the clock).
    previous = cache.get_many(keys)
    stamps = {key: max(at or time.time(), (previous.get(key) or 0.0) + 1e-6) for key in keys}
    # The next scheduled publication is looked up again (None: unknown), in the same round trip.
    cache.set_many(stamps | ({NEXT_PUBLISH_KEY: None} if scheduling_may_change else {}), timeout=None)
    return stamps


def _next_scheduled_publish() -> float:
    from articles.models import Article

    upcoming = Article.objects.upcoming().values_list("publish_at", flat=True).first()
    return upcoming.timestamp() if upcoming else NO_SCHEDULED_ARTICLE


def fragment_versions(request, article_id: int | None = None) -> tuple[float, ...]:
    """The stamps a cached fragment is keyed by: the catalogue's, and the article's comments' when given one. Read
    once per request (the fragments of one page are then cached under the same stamps)."""
    known = request.__dict__.setdefault("_fragment_versions", {})
    keys = [CATALOGUE_KEY] + ([comments_key(article_id)] if article_id is not None else [])
    if missing := [key for key in keys if key not in known]:
        found = cache.get_many(missing)
        if absent := [key for key in missing if not found.get(key)]:
            found |= _move(absent)  # a cache that lost them (restarted, flushed): everything is stale anyway
        known.update(found)
    return tuple(known[key] for key in keys)


def current_version() -> tuple[float, float]:
    """(version, next scheduled publish time) — moving the version if a scheduled article has just gone public."""
    values = cache.get_many([VERSION_KEY, NEXT_PUBLISH_KEY])
    version = values.get(VERSION_KEY) or _move([VERSION_KEY])[VERSION_KEY]
    next_publish = values.get(NEXT_PUBLISH_KEY)
    if next_publish is None:
        next_publish = _next_scheduled_publish()
        cache.set(NEXT_PUBLISH_KEY, next_publish, timeout=None)
    if next_publish and time.time() >= next_publish:
        # A new article in the lists, and new neighbours for the one before it: pages and article parts are stale.
        version = _move([VERSION_KEY, CATALOGUE_KEY], at=max(next_publish, version))[VERSION_KEY]
        next_publish = _next_scheduled_publish()
        cache.set(NEXT_PUBLISH_KEY, next_publish, timeout=None)
    return version, next_publish


def _page_key(request, version: float) -> str:
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"pagecache:page:{version!r}:{request.method == 'HEAD'}:{digest}"


def _is_anonymous_read(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES)
    )


def _is_cacheable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith(CACHEABLE_TYPES)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not _is_anonymous_read(request):
            response = self.get_response(request)
            if response.get("Cache-Control") is None:
                patch_cache_control(response, private=True, no_cache=True)
            return response

        version, next_publish = current_version()
        key = _page_key(request, version)
        response = cache.get(key)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if _is_cacheable(response):
            patch_vary_headers(response, ["Cookie"])
            patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
            response["Last-Modified"] = http_date(version)
            timeout = settings.PAGE_CACHE_SECONDS
            if next_publish:  # never keep a page past the moment a scheduled article should appear on it
                timeout = max(1, min(timeout, int(next_publish - time.time()) + 1))
            response["ETag"] = quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())
            cache.set(key, response, timeout)  # template responses are rendered by now
            response["X-Page-Cache"] = "miss"
        elif response.get("Cache-Control") is None:
            patch_cache_control(response, private=True, no_cache=True)
        return response

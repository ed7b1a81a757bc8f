"""Whole public pages cached for readers without a session, and the per-view values filled into every page."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.module_loading import import_string

from .slots import slot
from .stamps import pages_stamp

CACHEABLE_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml", "text/plain")


def _page_key(request, stamp: float) -> str:
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"pagecache:page:{stamp!r}:{request.method == 'HEAD'}:{digest}"


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

        stamp, next_change = pages_stamp()
        key = _page_key(request, stamp)
        response = cache.get(key)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            return response

        response = self.get_response(request)
        if _is_cacheable(response):
            patch_vary_headers(response, ["Cookie"])
            patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
            response["Last-Modified"] = http_date(stamp)
            timeout = settings.PAGE_CACHE_SECONDS
            if next_change:  # never keep a page past the moment a scheduled change should appear on it
                timeout = max(1, min(timeout, int(next_change - time.time()) + 1))
            response["ETag"] = quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())
            cache.set(key, response, timeout)  # template responses are rendered by now
            response["X-Page-Cache"] = "miss"
        elif response.get("Cache-Control") is None:
            patch_cache_control(response, private=True, no_cache=True)
        return response


class PerViewSlotsMiddleware:
    """Fills the slots that must differ on every view of a page, whether the page was rendered for this view or
    comes from a cache: ``PAGECACHE_PER_VIEW_SLOTS`` maps a slot's name to the callable that makes its value (a
    fresh signed form token, say). It sits outside the page cache, so cached copies keep the slots (and their ETag
    stays that of the copy)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.makers = {
            slot(name).encode(): import_string(path) for name, path in settings.PAGECACHE_PER_VIEW_SLOTS.items()
        }

    def __call__(self, request):
        response = self.get_response(request)
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        content = response.content
        for mark, make in self.makers.items():
            if mark in content:
                content = content.replace(mark, make().encode())
        if content is not response.content:
            response.content = content
            response["Content-Length"] = str(len(content))
        return response

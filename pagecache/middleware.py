"""Whole public pages cached, and the per-view and per-reader values filled into every page.

A page is cached for readers with no state of their own (``PAGE_CACHE_READER_COOKIES``: no session, no comments
this browser posted). A page whose rendering read none of that state (the same for every reader but for its reader
slots: a tag page, a feed, an article for a reader with no comments of their own on it) is sent from the cache to
readers with some too, signed in or not, with their own values in its reader slots and as private.

A cached page is sent for browsers to revalidate on every view (``max-age=0`` with its ETag: a reload costs a 304)
and for shared caches to keep (``s-maxage``, never past the next scheduled change), with the surrogate keys of what
it shows (pagecache/edge.py) for the edge in front to purge it by.

The page cache sits outside the middleware that add the security headers (settings.MIDDLEWARE), so a kept page
keeps them too: a hit, sent from here or before Django (pagecache/wsgi.py), carries the headers its page was
rendered with without passing through them again.
"""

import time

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import FileResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from . import edge, stored, tracked
from .lookup import (
    has_reader_state,
    is_public_read,
    keep,
    kept_by_edge,
    lookup,
    page_key,
    read_reader_state,
    shared_max_age,
    wanted_encoding,
    with_shared_max_age,
)
from .slots import fill_per_view_slots, fill_reader_slots, needs_own_page
from .stamps import page_stamps, render_under

CACHEABLE_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml", "text/plain")


def _shared_with(request, page: stored.StoredPage) -> bool:
    """Whether a reader with state of their own may be sent the shared copy of ``page``."""
    return page.shared and not (page.asks_reader and needs_own_page(request))


def _compress(request) -> bool:
    """Whether a page kept as rendered is sent compressed (a reader with a session whose browser takes gzip)."""
    return stored.accepts_gzip(request)


def _for_this_reader(response) -> None:
    """A page sent to a reader with state of their own holds their own values: for them alone, never a shared cache."""
    del response["Cache-Control"]
    patch_cache_control(response, private=True, no_cache=True)


def _is_cacheable(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith(CACHEABLE_TYPES)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not is_public_read(request):
            response = self.get_response(request)
            if response.get("Cache-Control") is None:
                patch_cache_control(response, private=True, no_cache=True)
            return response

        encoding, with_state = wanted_encoding(request), has_reader_state(request)
        try:
            key = page_key(request, encoding)
        except DisallowedHost:  # refused inside, where the security headers are added
            return self.get_response(request)
        _, next_change, stamps_read, page = lookup(key)
        if page is not None and (not with_state or _shared_with(request, page)):
            response = page.response(request, per_view=not kept_by_edge(request), compress=_compress(request))
            if with_state:
                _for_this_reader(response)
            else:
                response["Cache-Control"] = with_shared_max_age(response["Cache-Control"], next_change)
            response["X-Page-Cache"] = "hit"
            return response

        render_under(request, stamps_read)
        response = self.get_response(request)
        shared = not read_reader_state(request)
        if _is_cacheable(response) and (shared or not with_state):
            patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
            patch_cache_control(response, public=True, max_age=0, s_maxage=shared_max_age(next_change))
            response[edge.HEADER] = " ".join(sorted(edge.surrogate_keys(request)))
            made_under = page_stamps(request)
            response["Last-Modified"] = http_date(max(value for _, value in made_under))
            timeout = settings.PAGE_CACHE_SECONDS
            if next_change:  # never keep a page past the moment a scheduled change should appear on it
                timeout = max(1, min(timeout, int(next_change - time.time()) + 1))
            pages = {
                page_key(request, encoding): page
                for encoding, page in zip(
                    ("", stored.GZIP),
                    stored.store(
                        response,
                        stamps=made_under,
                        shared=shared,
                        asks_reader=getattr(request, "asked_for_own_page", False),
                    ),
                    strict=True,
                )
            }
            tracked.set_many(pages | {stored.version_key(key): page.version for key, page in pages.items()}, timeout)
            keep(key, pages[key])
            # A miss is sent as a hit will be: the same headers and bytes.
            response = pages[key].response(request, per_view=not kept_by_edge(request), compress=_compress(request))
            if with_state:
                _for_this_reader(response)
            response["X-Page-Cache"] = "miss"
        elif response.get("Cache-Control") is None:
            patch_cache_control(response, private=True, no_cache=True)
        return response


class PerViewSlotsMiddleware:
    """Fills the slots that must differ on every view of a page, whether the page was rendered for this view or
    comes from a cache: ``PAGECACHE_PER_VIEW_SLOTS`` maps a slot's name to the callable that makes its value (a
    fresh signed form token, say). It sits outside the page cache, so cached copies keep the slots (and their ETag
    stays that of the copy). A page the cache sends comes with its slots already filled (pagecache/stored.py).

    A page an edge fetches to keep for every reader (``lookup.kept_by_edge``) gets its per-view slots left empty: the
    edge sends the page it keeps whole, with nothing to assemble on each view, and the page's script asks the app
    for a value when it needs one (the comment form's, when its reader starts on it: comments/views.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.streaming
            or getattr(response, "slots_filled", False)  # a stored page: filled as it was put together
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        content = fill_per_view_slots(response.content, empty=kept_by_edge(request))
        content = fill_reader_slots(content, request)
        if content is not response.content:
            response.content = content
            response["Content-Length"] = str(len(content))
        return response


class CompressionMiddleware(GZipMiddleware):
    """gzip, for a browser that takes it, of the responses the page cache did not send compressed (a page rendered
    for its reader alone, a page the cache may not keep). Django's own, with its BREACH mitigation; a file stays as
    it is (WhiteNoise sends the compressed copies it made of static files itself; images and fonts gain nothing)."""

    def process_response(self, request, response):
        if isinstance(response, FileResponse):
            return response
        return super().process_response(request, response)

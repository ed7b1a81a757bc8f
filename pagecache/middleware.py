"""Whole public pages cached, and the per-view and per-reader values filled into every page.

A page is cached for readers without a session. A page whose rendering did not read the session (the same for
every reader but for its reader slots: a tag page, a feed, an article for a reader with no comments of their own
on it) is sent from the cache to readers with one too, signed in or not, with their own values in its reader
slots and as private.

A cached page is sent for browsers to revalidate on every view (``max-age=0`` with its ETag: a reload costs a 304)
and for shared caches to keep (``s-maxage``, never past the next scheduled change), with the surrogate keys of what
it shows (pagecache/edge.py) for the edge in front to purge it by.
"""

import hashlib
import re
import time
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.middleware.gzip import GZipMiddleware
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.html import escape
from django.utils.http import http_date

from . import edge, stored
from .slots import fill_per_view_slots, fill_reader_slots, needs_own_page, per_view_slots, slot
from .stamps import pages_stamp
from .views import signed_element

# Pages each process keeps a copy of (pagecache/stored.py LocalCopies): the most read ones, a few MB at most.
LOCAL_PAGES = 50
CACHEABLE_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml", "text/plain")


def _page_key(request, encoding: str) -> str:
    """Where a page is kept, whatever the stamp: the stamp is kept in it, and read in the same round trip."""
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"pagecache:page:{stored.FORMAT}:{request.method == 'HEAD'}:{encoding}:{digest}"


def _edge_includes(request) -> bool:
    """Whether the request comes from an edge that assembles pages (Varnish): it gets includes in the slots."""
    return "ESI/1.0" in request.headers.get("Surrogate-Capability", "")


def _wanted_encoding(request) -> str:
    """gzip for a browser that takes it; the page as rendered for an edge that assembles pages (it fills the slots
    with its own includes, PerViewSlotsMiddleware, and compresses for itself), and for a reader with a session
    (the gzip copy has no reader slots: stored.store())."""
    if _edge_includes(request) or _has_session(request) or not stored.accepts_gzip(request):
        return ""
    return stored.GZIP


def _is_public_read(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and "messages" not in request.COOKIES
        and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES)
    )


def _has_session(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _read_the_session(request) -> bool:
    """Whether rendering the page read the session (the user included): then it may differ from reader to reader."""
    session = getattr(request, "session", None)
    return session is None or session.accessed


def _shared_with(request, page: stored.StoredPage) -> bool:
    """Whether a reader with a session may be sent the shared copy of ``page``."""
    return page.shared and not (page.asks_reader and needs_own_page(request))


def _for_this_reader(response) -> None:
    """A page sent to a reader with a session holds their own values: for them alone, never a shared cache."""
    del response["Cache-Control"]
    patch_cache_control(response, private=True, no_cache=True)


def _shared_max_age(next_change: float) -> int:
    """How long a shared cache may keep a page from now: never past the next scheduled change."""
    if next_change:
        return max(0, min(settings.PAGE_CACHE_SHARED_MAX_AGE, int(next_change - time.time())))
    return settings.PAGE_CACHE_SHARED_MAX_AGE


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
        self.local = stored.LocalCopies(LOCAL_PAGES)

    def __call__(self, request):
        if not settings.PAGE_CACHE_SECONDS or not _is_public_read(request):
            response = self.get_response(request)
            if response.get("Cache-Control") is None:
                patch_cache_control(response, private=True, no_cache=True)
            return response

        encoding, has_session = _wanted_encoding(request), _has_session(request)
        key = _page_key(request, encoding)
        stamp, next_change, page = self._lookup(key)
        if page is not None and page.stamp == stamp and (not has_session or _shared_with(request, page)):
            response = page.response(request, fill_slots=not _edge_includes(request))
            if has_session:
                _for_this_reader(response)
            else:
                patch_cache_control(response, s_maxage=_shared_max_age(next_change))  # kept since: less left
            response["X-Page-Cache"] = "hit"
            return response

        response = self.get_response(request)
        shared = not _read_the_session(request)
        if _is_cacheable(response) and (shared or not has_session):
            patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
            patch_cache_control(response, public=True, max_age=0, s_maxage=_shared_max_age(next_change))
            response[edge.HEADER] = " ".join(sorted(edge.surrogate_keys(request)))
            response["Last-Modified"] = http_date(stamp)
            timeout = settings.PAGE_CACHE_SECONDS
            if next_change:  # never keep a page past the moment a scheduled change should appear on it
                timeout = max(1, min(timeout, int(next_change - time.time()) + 1))
            pages = {
                _page_key(request, encoding): page
                for encoding, page in zip(
                    ("", stored.GZIP),
                    stored.store(
                        response, stamp=stamp, shared=shared, asks_reader=getattr(request, "asked_for_own_page", False)
                    ),
                    strict=True,
                )
            }
            cache.set_many(pages | {stored.version_key(key): page.version for key, page in pages.items()}, timeout)
            self.local.keep(key, pages[key])
            # A miss is sent as a hit will be: the same headers and bytes.
            response = pages[key].response(request, fill_slots=not _edge_includes(request))
            if has_session:
                _for_this_reader(response)
            response["X-Page-Cache"] = "miss"
        elif response.get("Cache-Control") is None:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def _lookup(self, key: str) -> tuple[float, float, stored.StoredPage | None]:
        """The pages stamp, the next scheduled change and the page kept at ``key``, in one round trip: the page's
        version alone when this process has a copy of it (the copy is sent while it is the shared cache's)."""
        if (copy := self.local.get(key)) is None:
            stamp, next_change, found = pages_stamp(key)
            page = found.get(key)
        else:
            stamp, next_change, found = pages_stamp(stored.version_key(key))
            page = copy if found.get(stored.version_key(key)) == copy.version else cache.get(key)
        if page is not None and page is not copy:
            self.local.keep(key, page)
        return stamp, next_change, page


class PerViewSlotsMiddleware:
    """Fills the slots that must differ on every view of a page, whether the page was rendered for this view or
    comes from a cache: ``PAGECACHE_PER_VIEW_SLOTS`` maps a slot's name to the callable that makes its value (a
    fresh signed form token, say). It sits outside the page cache, so cached copies keep the slots (and their ETag
    stays that of the copy). A page the cache sends comes with its slots already filled (pagecache/stored.py), but
    to an edge that assembles pages.

    An edge that assembles pages (Varnish, saying ``Surrogate-Capability: ...ESI/1.0`` on its requests) gets an ESI
    include of the slot's own address (``views.slot_value()``) instead of a value: the page it keeps stays the same for
    every view, and it fills the slot itself on each one."""

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
        edge_includes = _edge_includes(request)
        content = response.content
        if edge_includes:
            for name in per_view_slots():
                if (mark := slot(name).encode()) in content:
                    content = _with_includes(content, name, mark)
        else:
            content = fill_per_view_slots(content)
        content = fill_reader_slots(content, request)
        if content is not response.content:
            response.content = content
            response["Content-Length"] = str(len(content))
            if edge_includes:
                response["Surrogate-Control"] = 'content="ESI/1.0"'
        return response


def _with_includes(content: bytes, name: str, mark: bytes) -> bytes:
    return re.sub(rb"<[^<>]*" + mark + rb"[^<>]*>|" + mark, lambda found: _include(name, found), content)


def _include(name: str, found: re.Match) -> bytes:
    """An ESI include of the slot ``name`` found: of its value alone, or of the whole element whose attribute
    holds it (an edge does not look for includes inside a tag)."""
    url = reverse("slot", args=[name])
    if (element := found.group().decode()) != slot(name):
        url += "?" + urlencode({"element": _signed_element(element)})
    return f'<esi:include src="{escape(url)}"/>'.encode()


@lru_cache(maxsize=64)  # the same few elements on every page
def _signed_element(element: str) -> str:
    return signed_element(element)


class CompressionMiddleware(GZipMiddleware):
    """gzip, for a browser that takes it, of the responses the page cache did not send compressed (signed-in
    readers' pages, a page the cache may not keep). Django's own, with its BREACH mitigation; a page sent to an
    edge for assembly stays as it is, so the edge can find its includes."""

    def process_response(self, request, response):
        if response.has_header("Surrogate-Control"):
            return response
        return super().process_response(request, response)

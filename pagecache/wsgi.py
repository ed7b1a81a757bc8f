"""The page cache's hits for readers with no state of their own (no session, no comments of theirs), sent before
Django handles the request.

Such a hit needs nothing of Django's request handling: no middleware reads anything of the reader's (there is
nothing to read), no view runs, no query is made, and the kept page holds every header it was rendered with, the
security headers included (pagecache/middleware.py). Sent from here it costs less than a bare Django app's static
page: the request's host checked, the key hashed, the stamps and the page's version read from what the process holds
while Redis tracks them (pagecache/tracked.py: no round trip), the page from its own copy, the slots filled.

Everything else goes to Django as before, which sends hits too (PageCacheMiddleware), so both ways send the same
page: a miss, a reader with state of their own or with messages waiting, a conditional request (its 304 is
ConditionalGetMiddleware's), a HEAD, an edge fetching a page to keep, a host the site does not serve (refused and
logged there), a cache that needs the database (the stamps to make after a flush, a scheduled change due, or the
embedded default's cache table: the database connection's life is Django's to manage).
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest

from .lookup import has_reader_state, is_public_read, lookup, page_key, wanted_encoding, with_shared_max_age

# Requests with any of these (WSGI names) are Django's: conditional ones, and an edge's fetches of pages it keeps.
FOR_DJANGO = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_SURROGATE_CAPABILITY",
)


class PageCacheApplication:
    """Wraps the site's WSGI application (soundtrack_site/wsgi.py)."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if (hit := self.hit(environ)) is None:
            return self.application(environ, start_response)
        body, headers = hit
        start_response("200 OK", headers)
        return [body]

    def hit(self, environ) -> tuple[bytes, list[tuple[str, str]]] | None:
        """The body and headers of the kept page this request may be sent, or None: Django's to answer."""
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or any(name in environ for name in FOR_DJANGO)
            or not settings.PAGE_CACHE_SECONDS
            or isinstance(caches["default"], BaseDatabaseCache)
        ):
            return None
        request = WSGIRequest(environ)
        if not is_public_read(request) or has_reader_state(request):
            return None
        try:
            key = page_key(request, wanted_encoding(request))
        except DisallowedHost:
            return None
        if (found := lookup(key, cache_only=True)) is None:
            return None
        _, next_change, _, page = found
        if page is None:
            return None
        body, headers = page.sent(request)
        headers = [
            (name, with_shared_max_age(value, next_change) if name == "Cache-Control" else value)
            for name, value in headers
        ]
        headers.append(("X-Page-Cache", "hit"))
        return body, headers

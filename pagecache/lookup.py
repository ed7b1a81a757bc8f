"""Finding a kept page: which copy a request wants, where it is kept, and the page with the stamps it is checked
against, in one round trip at most (none when the process holds the stamps and a copy of the page). Shared by the
two ways a hit is sent (PageCacheMiddleware, and PageCacheApplication before Django for readers with no state of
their own)."""

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache

from . import stored, tracked
from .stamps import is_current, pages_stamp

# Pages each process keeps a copy of (pagecache/stored.py LocalCopies): the most read ones, a few MB at most. One
# for the process: the middleware and the WSGI application send the same copies.
LOCAL_PAGES = 50
local_copies = stored.LocalCopies(LOCAL_PAGES)
SHARED_MAX_AGE = re.compile(r"\bs-maxage=\d+")


def page_key(request, encoding: str) -> str:
    """Where a page is kept, whatever the stamp: the stamp is kept in it, and read in the same round trip. Raises
    DisallowedHost for a host the site does not serve."""
    digest = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"pagecache:page:{stored.FORMAT}:{request.method == 'HEAD'}:{encoding}:{digest}"


def is_public_read(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and "messages" not in request.COOKIES
        and not request.path.startswith(settings.PAGE_CACHE_EXCLUDED_PREFIXES)
    )


def has_reader_state(request) -> bool:
    """Whether the reader holds state of their own (``PAGE_CACHE_READER_COOKIES``: a session, the comments this
    browser posted): a page may be theirs alone."""
    cookies = request.COOKIES
    return any(name in cookies for name in settings.PAGE_CACHE_READER_COOKIES)


def note_reader_state_read(request) -> None:
    """Say that the page being rendered read its reader's own state outside the session (a cookie): the page cache
    then keeps it for that reader alone, as it does a page that read the session."""
    request.read_reader_state = True


def read_reader_state(request) -> bool:
    """Whether rendering the page read its reader's own state (the session, the user included): then it may differ
    from reader to reader."""
    session = getattr(request, "session", None)
    return session is None or session.accessed or getattr(request, "read_reader_state", False)


def kept_by_edge(request) -> bool:
    """Whether the request is an edge's fetch of a page it will keep for every reader (Varnish says
    ``Surrogate-Capability`` on those alone): such a page holds no per-view values, its per-view slots are empty."""
    # META, not headers: a hit would build the whole mapping of headers for one of them.
    return "HTTP_SURROGATE_CAPABILITY" in request.META


def wanted_encoding(request) -> str:
    """gzip for a client that takes it (a browser, or an edge fetching the copy it keeps for browsers); the page as
    rendered for a reader with state of their own (the gzip copy has no reader slots: stored.store(); the page as
    rendered holds its pieces compressed too)."""
    if has_reader_state(request) or not stored.accepts_gzip(request):
        return ""
    return stored.GZIP


def lookup(key: str, *, cache_only: bool = False) -> tuple[float, float, dict, stored.StoredPage | None] | None:
    """The pages stamp, the next scheduled change, the stamps read (``pages_stamp()``, ``cache_only`` included) and
    the page kept at ``key`` if it is current (its stamps all stand), in one round trip: the page's version and
    stamps alone when this process has a copy of it (the copy is sent while it is the shared cache's), held in the
    process while Redis tracks them (pagecache/tracked.py)."""
    copy = local_copies.get(key)
    asked = [key] if copy is None else [stored.version_key(key), *(name for name, _ in copy.stamps)]
    if (found := pages_stamp(*asked, cache_only=cache_only)) is None:
        return None
    stamp, next_change, values = found
    page = values.get(key) if copy is None else copy
    if copy is not None and values.get(asked[0]) != copy.version:
        page = cache.get(key)
    if page is not None and page is not copy:
        keep(key, page)
    if page is not None:
        if missing := [name for name, _ in page.stamps if name not in values]:  # a page new to this process
            values |= tracked.get_many(missing)
        if not is_current(page.stamps, values):
            page = None
    return stamp, next_change, values, page


def keep(key: str, page: stored.StoredPage) -> None:
    """Keeps a copy of a page this process sends."""
    local_copies.keep(key, page)


def shared_max_age(next_change: float) -> int:
    """How long a shared cache may keep a page from now: never past the next scheduled change."""
    if next_change:
        return max(0, min(settings.PAGE_CACHE_SHARED_MAX_AGE, int(next_change - time.time())))
    return settings.PAGE_CACHE_SHARED_MAX_AGE


def with_shared_max_age(cache_control: str, next_change: float) -> str:
    """A kept page's Cache-Control (it has an ``s-maxage``) with what is left of it now: it was kept since."""
    return SHARED_MAX_AGE.sub(f"s-maxage={shared_max_age(next_change)}", cache_control)

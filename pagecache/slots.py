"""Slots: marks in cached HTML where each view puts a value of its own (a reader's name, a fresh form token).

Two kinds are filled on every response, cached or not: per-view slots (``PAGECACHE_PER_VIEW_SLOTS``: a fresh
value each view, the same for every reader; left empty in a page an edge keeps for every reader, whose script
fetches what it needs from the app that owns the slot: comments/views.py, ``form_values``) and reader slots
(``PAGECACHE_READER_SLOTS``: what the reader's own session says, "" for a reader without one; filled by the app
alone, from the request).
"""

from functools import cache, lru_cache

from django.conf import settings
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string


def slot(name: str) -> str:
    """The mark for ``name``. Derived from the secret key, so no reader's text can contain one (a reader would see
    somebody's CSRF token or name inside a comment); letters and digits only, so escaping leaves it as it is."""
    return _mark(name, settings.SECRET_KEY)


@lru_cache(maxsize=32)  # looked for in every page sent: the same few names, and the key changes only in tests
def _mark(name: str, secret: str) -> str:
    return "slot" + salted_hmac("pagecache.slot", name, secret=secret, algorithm="sha256").hexdigest()[:30]


def fill_slots(html: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        html = html.replace(slot(name), value)
    return html


@cache
def per_view_slots() -> dict[str, object]:
    """The slots filled on every view, and what makes each one's value (``PAGECACHE_PER_VIEW_SLOTS``)."""
    return {name: import_string(path) for name, path in settings.PAGECACHE_PER_VIEW_SLOTS.items()}


@cache
def reader_slots() -> dict[str, object]:
    """The slots filled from the reader's session, and what makes each one's value from the request."""
    return {name: import_string(path) for name, path in settings.PAGECACHE_READER_SLOTS.items()}


def fill_per_view_slots(content: bytes, *, empty: bool = False) -> bytes:
    """``content`` with a fresh value in each per-view slot it holds, or nothing (``empty``)."""
    for name, make in per_view_slots().items():
        if (mark := slot(name).encode()) in content:
            content = content.replace(mark, b"" if empty else make().encode())
    return content


def fill_reader_slots(content: bytes, request) -> bytes:
    """``content`` with the request's reader's value in each reader slot it holds."""
    for name, make in reader_slots().items():
        if (mark := slot(name).encode()) in content:
            content = content.replace(mark, make(request).encode())
    return content


@cache
def _own_page_check():
    return import_string(settings.PAGECACHE_OWN_PAGE_CHECK)


def needs_own_page(request) -> bool:
    """Whether a page that shows readers something of their own (comments they posted) must be rendered for this
    one alone (``PAGECACHE_OWN_PAGE_CHECK``), read from the request with no read of the session. A page that asks
    is noted so: the page cache sends its shared copy to a reader with a session only when the answer for them is
    no too (StoredPage.asks_reader)."""
    request.asked_for_own_page = True
    return _own_page_check()(request)

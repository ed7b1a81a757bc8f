"""The ceiling: the cheapest page the stack can serve, to read every other figure against. Its static page is also
what the bare Django app (bench/reference/) serves."""

from functools import lru_cache

from django.http import HttpResponse
from django.views.decorators.cache import never_cache

DEFAULT_BYTES = 60_000
MIN_BYTES = 200  # the smallest page that is still the head, some padding and the tail
MAX_BYTES = 2_000_000
PARAGRAPH = (
    "<p>A static paragraph of about the length of a section of an article, repeated to the size of a real page so "
    "that the ceiling moves as many bytes as the pages it is compared with. No template, no query.</p>\n"
)


@lru_cache(maxsize=16)
def static_page(size: int) -> bytes:
    head = "<!doctype html>\n<html lang=en><head><meta charset=utf-8><title>Ceiling</title></head><body>\n"
    tail = "</body></html>\n"
    body = PARAGRAPH * max(0, (size - len(head) - len(tail)) // len(PARAGRAPH))
    page = head + body
    return (page + " " * max(0, size - len(page) - len(tail)) + tail).encode()


def requested_size(request) -> int:
    """The page size asked for with ?bytes=N, within bounds."""
    try:
        return min(max(int(request.GET.get("bytes", DEFAULT_BYTES)), MIN_BYTES), MAX_BYTES)
    except ValueError:
        return DEFAULT_BYTES


@never_cache  # through the whole middleware stack, page cache included, but never served from it
def ceiling(request):
    return HttpResponse(static_page(requested_size(request)), content_type="text/html; charset=utf-8")

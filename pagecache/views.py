"""The per-view values of slots, for an edge that assembles pages (ESI; pagecache/middleware.py)."""

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe

from .slots import slot

ELEMENT_SALT = "pagecache.slot-element"


@require_safe
def slot_value(request, name: str):
    """A fresh value of the per-view slot ``name``, for an edge to include in the page it serves; kept there for
    ``EDGE_CACHE_SLOT_SECONDS`` at most. With ``element`` (an HTML element holding the slot, signed by
    ``signed_element()``), that element with the value in its place: ESI includes are not seen inside a tag."""
    if name not in settings.PAGECACHE_PER_VIEW_SLOTS:
        raise Http404
    value = import_string(settings.PAGECACHE_PER_VIEW_SLOTS[name])()
    if element := request.GET.get("element"):
        try:
            content, content_type = signing.loads(element, salt=ELEMENT_SALT).replace(slot(name), value), "text/html"
        except signing.BadSignature:
            raise Http404 from None
    else:
        content, content_type = value, "text/plain"
    response = HttpResponse(content, content_type=content_type)
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.EDGE_CACHE_SLOT_SECONDS)
    return response


def signed_element(element: str) -> str:
    return signing.dumps(element, salt=ELEMENT_SALT, compress=True)

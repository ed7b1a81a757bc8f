"""The per-view values of slots, for a page an edge keeps for every reader (its per-view slots are empty:
pagecache/middleware.py): the page's script asks for a value when its reader needs one."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe


@require_safe
def slot_value(request, name: str):
    """A fresh value of the per-view slot ``name``, as text; an edge may keep it for ``EDGE_CACHE_SLOT_SECONDS``."""
    if name not in settings.PAGECACHE_PER_VIEW_SLOTS:
        raise Http404
    response = HttpResponse(import_string(settings.PAGECACHE_PER_VIEW_SLOTS[name])(), content_type="text/plain")
    patch_cache_control(response, public=True, max_age=0, s_maxage=settings.EDGE_CACHE_SLOT_SECONDS)
    return response

"""Edges the pages can be purged from: one small interface, a backend for each kind (Varnish now; a CDN that
purges by tag next: docs in deploy/varnish/README.md), chosen by ``EDGE_CACHE_BACKEND``."""

import urllib.error
import urllib.request
from functools import cache as once

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string


class PurgeFailed(Exception):
    pass


class EdgeCache:
    """What every edge backend does: purge the pages carrying any of ``keys``, or raise ``PurgeFailed``."""

    def purge(self, keys: list[str]) -> None:
        raise NotImplementedError


class VarnishEdgeCache(EdgeCache):
    """Each Varnish in ``EDGE_CACHE_PURGE_URLS`` gets a ``PURGE`` request naming the keys (deploy/varnish/default.vcl
    hands them to xkey). A purge that fails on one Varnish is still sent to the others, then reported."""

    def __init__(self, *, urls: list[str], timeout: float):
        self.urls = urls
        self.timeout = timeout

    def purge(self, keys: list[str]) -> None:
        failures = []
        for url in self.urls:
            request = urllib.request.Request(url, method="PURGE", headers={"xkey-purge": " ".join(keys)})
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (our setting)
                    response.read()
            except (urllib.error.URLError, OSError) as error:
                failures.append(f"{url}: {error}")
        if failures:
            raise PurgeFailed("; ".join(failures))


BACKENDS = {"varnish": VarnishEdgeCache}


@once
def edge_cache() -> EdgeCache | None:
    """The configured edge (``EDGE_CACHE_BACKEND``: ``varnish``, or the dotted path of an ``EdgeCache``), or None."""
    name = settings.EDGE_CACHE_BACKEND
    if not name:
        return None
    backend = BACKENDS.get(name) or import_string(name)
    return backend(urls=settings.EDGE_CACHE_PURGE_URLS, timeout=settings.EDGE_CACHE_PURGE_TIMEOUT)


@receiver(setting_changed)
def _forget_edge_cache(setting, **kwargs):
    if setting.startswith("EDGE_CACHE_"):
        edge_cache.cache_clear()

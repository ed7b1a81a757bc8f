"""The HTTP cache in front of the app (Varnish; a CDN next): the surrogate keys pages carry, and purging them.

A page tells the edge what it shows through its surrogate keys (the ``xkey`` header): views add keys to the request
(``add_surrogate_keys()``), and the page cache's middleware turns them into the header. A change purges the keys of
what changed (``purge()``), after the transaction commits, through a task (pagecache/tasks.py), so an editor's save
or a reader's post never waits on the edge. Which edge: ``EDGE_CACHE_BACKEND`` (none by default: nothing is sent).

Key names are ``<kind>-<id>`` (``surrogate_key("work", 7)`` is ``work-7``), plus two that cover many pages:
``catalogue`` is carried by every cached page (purging it empties the edge of the app's pages), ``lists`` by the
pages that list articles (home, tags, composers, works, authors, feeds, sitemaps), where a new article appears.
"""

from collections.abc import Iterable

from django.db import transaction

from .edge_backends import edge_cache
from .tasks import purge_surrogate_keys

CATALOGUE = "catalogue"
LISTS = "lists"
HEADER = "xkey"


def surrogate_key(kind: str, pk) -> str:
    return f"{kind}-{pk}"


def discussion_keys(article_ids: Iterable[int]) -> set[str]:
    """The keys of the pages that show these articles' comments."""
    return {surrogate_key("comments", pk) for pk in article_ids}


def add_surrogate_keys(request, keys: Iterable[str]) -> None:
    """Say that the page this request renders shows what ``keys`` name."""
    request.__dict__.setdefault("_surrogate_keys", set()).update(keys)


def surrogate_keys(request) -> set[str]:
    """The keys of the page rendered for ``request``: every page carries ``catalogue``; a page that said nothing of
    what it shows is taken to show lists too (feeds, sitemaps, robots.txt)."""
    return {CATALOGUE, *request.__dict__.get("_surrogate_keys", {LISTS})}


def purge(keys: Iterable[str]) -> None:
    """Purge the pages carrying any of ``keys`` from the edge, once the current transaction commits (at once
    outside one). Nothing happens when no edge is configured."""
    keys = sorted(set(keys))
    if not keys or edge_cache() is None:
        return
    # Robust: a queue that cannot take the task is logged, never raised into a save that has committed.
    transaction.on_commit(lambda: purge_surrogate_keys.enqueue(keys), robust=True)

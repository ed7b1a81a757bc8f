"""The stored search index (PostgreSQL): what each article is found by, refreshed when a change commits, rebuilt
on demand. Above both the models and the search package; searching itself is ``Article.objects.search()``."""

from .signals import connect_signals
from .store import (
    SearchDocument,
    indexable_articles,
    rebuild_index,
    rebuild_search_index,
    refresh_articles,
    refresh_on_commit,
    refresh_search_vectors,
)

__all__ = [
    "SearchDocument",
    "connect_signals",
    "indexable_articles",
    "rebuild_index",
    "rebuild_search_index",
    "refresh_articles",
    "refresh_on_commit",
    "refresh_search_vectors",
]

"""Searching articles, and the stored index that full text reads (PostgreSQL).

Each module imports only those listed before it:

- ``postgres``: what the index and the queries share (text search configuration, highlight marks, the cap on
  ranked matches) and ``is_indexed()``, whether a database keeps the index;
- ``models``: ``SearchWord``, the lexicon (``articles.models`` re-exports it);
- ``spelling``: misspelt query words corrected to the closest word of the lexicon;
- ``query``: a reader's query run on a queryset (``ArticleQuerySet.search()`` calls it);
- ``snippets``: a result's highlighted snippet;
- ``index``: each article's stored search text and vector, refreshed when a transaction commits, rebuilt on demand;
- ``signals``: the receivers that keep the index current (``connect_signals()``, from the app's ``ready()``).

The index and its receivers read the models, and the models import the query side of this package: their names
are looked up here on first use, so that importing this package (as ``articles.models`` does) never imports the
models.
"""

from importlib import import_module

from .models import SearchWord
from .postgres import HIGHLIGHT_START, HIGHLIGHT_STOP, SEARCH_CONFIG, SEARCH_MAX_RESULTS, is_indexed
from .query import search_articles
from .snippets import search_snippet
from .spelling import corrected_query, record_words

ABOVE_THE_MODELS = {
    "SearchDocument": "index",
    "indexable_articles": "index",
    "rebuild_search_index": "index",
    "refresh_on_commit": "index",
    "refresh_search_vectors": "index",
    "connect_signals": "signals",
}

__all__ = [
    "HIGHLIGHT_START",
    "HIGHLIGHT_STOP",
    "SEARCH_CONFIG",
    "SEARCH_MAX_RESULTS",
    "SearchWord",
    "corrected_query",
    "is_indexed",
    "record_words",
    "search_articles",
    "search_snippet",
    *ABOVE_THE_MODELS,
]


def __getattr__(name: str):
    if module := ABOVE_THE_MODELS.get(name):
        return getattr(import_module(f"{__name__}.{module}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

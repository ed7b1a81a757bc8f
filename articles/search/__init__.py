"""Searching articles: a reader's query run on a queryset (PostgreSQL full text with corrections; words in the
tables elsewhere). Each module imports only those listed before it:

- ``postgres``: what the index and the queries share (text search configuration, highlight marks, the cap on
  ranked matches) and ``is_indexed()``, whether a database keeps the index;
- ``models``: ``SearchWord``, the lexicon (``articles.models`` re-exports it);
- ``spelling``: misspelt query words corrected to the closest word of the lexicon;
- ``query``: a reader's query run on a queryset (``ArticleQuerySet.search()`` calls it);
- ``snippets``: a result's highlighted snippet.

The models import this package; the stored index that full text reads is ``articles.indexing``, above both.
"""

from .models import SearchWord
from .postgres import HIGHLIGHT_START, HIGHLIGHT_STOP, SEARCH_CONFIG, SEARCH_MAX_RESULTS, is_indexed
from .query import search_articles
from .snippets import search_snippet
from .spelling import corrected_query, record_words

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
]

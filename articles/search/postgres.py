"""What full-text search on PostgreSQL shares between the stored index and the queries."""

from django.db import connections

# The text search configuration of the stored vector and of queries.
SEARCH_CONFIG = "english"
# The two characters ts_headline puts around a match, private-use ones kept out of the indexed text, so that a
# snippet can be escaped first and highlighted after (snippets.py).
HIGHLIGHT_START, HIGHLIGHT_STOP = "\ue000", "\ue001"
# How many of the newest full-text matches are ranked and shown: past it, the count says "500" and older matches
# are left out (a query that common is better narrowed than paged through).
SEARCH_MAX_RESULTS = 500


def is_indexed(using: str) -> bool:
    """The stored index exists on PostgreSQL only; elsewhere ``Article.objects.search()`` reads the tables."""
    return connections[using].vendor == "postgresql"

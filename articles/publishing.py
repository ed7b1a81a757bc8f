"""Publishing articles: what goes public when."""

from datetime import datetime

from .models import Article


def next_scheduled_publication() -> datetime | None:
    """When the next scheduled article goes public (the page cache asks, through PAGECACHE_NEXT_SCHEDULED_CHANGE)."""
    return Article.objects.upcoming().values_list("publish_at", flat=True).first()

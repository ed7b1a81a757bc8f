"""A large, deterministic site for the benchmark (``manage.py generate_bench_data``), built with bulk inserts.

The same scale and seed give the same rows (timestamps are anchored to the start of the day). Markdown is rendered
once per distinct text with the site's own renderers and the HTML is reused across rows, so the full scale builds
in minutes. Bulk inserts send no signals: the search index is rebuilt at the end (PostgreSQL) and the page cache
version moved.

The steps, in the order they draw from the seeded random numbers (which is what keeps the rows the same):
``catalogue`` (author, composers, works and tracks, tags), ``articles`` (with composers, tags, sections and
featured tracks), ``comments`` (planned, then inserted depth by depth). ``scale`` and ``texts`` hold what they are
made of; ``rows`` counts the inserts.
"""

import random
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.indexing import rebuild_search_index
from articles.models import Article, Composer, FeaturedTrack, Section, Track, Work
from articles.search import is_indexed
from comments.models import Comment, CommentReport, ModerationEvent
from pagecache.stamps import catalogue_changed

from .articles import make_articles
from .catalogue import make_catalogue
from .comments import make_comments
from .rows import Rows
from .scale import FULL, HOT_SLUG, MID_COMMENTS, MID_SLUG, QUICK, SEARCH_PHRASE, SECTIONS_PER_ARTICLE, Scale

__all__ = [
    "FULL",
    "HOT_SLUG",
    "MID_COMMENTS",
    "MID_SLUG",
    "QUICK",
    "SEARCH_PHRASE",
    "SECTIONS_PER_ARTICLE",
    "Scale",
    "anchor_time",
    "delete_site_content",
    "generate",
]


def anchor_time() -> datetime:
    """The fixed 'now' of the generated site: the start of today, so two runs on one day give the same rows."""
    return timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)


def generate(
    scale: Scale = FULL, *, using: str = DEFAULT_DB_ALIAS, log: Callable[[str], None] = lambda message: None
) -> dict[str, int]:
    """Fill an empty site with the bench data; return how many rows of each kind were made."""
    scale.check()
    rng = random.Random(scale.seed)
    anchor = anchor_time()
    rows = Rows(using)
    # Threads as deep as the site allows: depths 0 to COMMENTS_MAX_DEPTH - 1.
    max_depth = max(1, settings.COMMENTS_MAX_DEPTH)
    with transaction.atomic(using=using):
        catalogue = make_catalogue(scale, rng, rows, log)
        articles, featured_of = make_articles(scale, rng, rows, catalogue, anchor, log)
    make_comments(scale, rng, rows, articles, featured_of, anchor=anchor, max_depth=max_depth, log=log)
    if is_indexed(using):
        log("Building the search index…")
        rebuild_search_index(using=using)
    catalogue_changed()
    return rows.counts


def delete_site_content(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Remove every article, work, composer, tag and comment (the bench database's content, before a new set)."""
    models = [
        ModerationEvent, CommentReport, Comment, TaggedItem, Tag, FeaturedTrack, Section,
        Article.composers.through, Article, Track.composers.through, Track, Composer, Work,
    ]  # fmt: skip
    connection = connections[using]
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
        with transaction.atomic(using=using), connection.cursor() as cursor:
            # Deferred foreign key checks still pending in this transaction would make TRUNCATE fail: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    with transaction.atomic(using=using):
        for model in models:
            model._default_manager.using(using).all().delete()

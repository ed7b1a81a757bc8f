"""The models of the articles app, by concern; import them from here (``from articles.models import Article``).

- ``base``: the abstract models and helpers the others share (slugs, positions within a parent);
- ``catalogue``: works, composers and tracks;
- ``author``: the author profile of a staff member who writes (``articles.authors`` says how people are named);
- ``article``: articles, their sections and featured tracks (their QuerySet: ``articles.querysets``);
- ``templates``: article templates and their sections;
- the search lexicon, ``SearchWord``, is the search package's (``articles.search.models``).

Each module imports only those above it in this list (base ← catalogue ← author ← article ← templates), never the other
way; ``articles.querysets`` and the search package below the index import no model.
"""

from ..querysets import NEWEST_FIRST, PUBLIC_STATUSES, ArticleQuerySet, ArticleStatus, published_q
from ..search.models import SearchWord
from ..search.postgres import HIGHLIGHT_START, HIGHLIGHT_STOP, SEARCH_CONFIG, SEARCH_MAX_RESULTS
from .article import Article, FeaturedTrack, Section
from .author import Author, AuthorQuerySet
from .base import MAX_POSITION, PositionedModel, SluggedModel, unique_slug, word_count
from .catalogue import Composer, TagAlias, TagDescription, Track, Work
from .templates import ArticleTemplate, ArticleTemplateSection

__all__ = [
    "HIGHLIGHT_START",
    "HIGHLIGHT_STOP",
    "MAX_POSITION",
    "NEWEST_FIRST",
    "PUBLIC_STATUSES",
    "SEARCH_CONFIG",
    "SEARCH_MAX_RESULTS",
    "Article",
    "ArticleQuerySet",
    "ArticleStatus",
    "ArticleTemplate",
    "ArticleTemplateSection",
    "Author",
    "AuthorQuerySet",
    "Composer",
    "FeaturedTrack",
    "PositionedModel",
    "SearchWord",
    "Section",
    "SluggedModel",
    "TagAlias",
    "TagDescription",
    "Track",
    "Work",
    "published_q",
    "unique_slug",
    "word_count",
]

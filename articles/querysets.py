"""The QuerySets of the articles app: one method per question the site asks of its articles (and composers).

What the public may see is said once, here: ``published_q()`` filters it and ``is_published()`` checks one
article's values (``Article.is_public``), both from ``PUBLIC_STATUSES``. The order of lists, newest first, is
``NEWEST_FIRST`` (the model's default ordering too). Searching is the search package's (``articles.search``);
this module imports no model. The catalogue's querysets (works, composers) follow the articles'.
"""

from datetime import datetime

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .search.query import name_matches, search_articles


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


# A scheduled article is public once its publish time has come, like a published one.
PUBLIC_STATUSES = (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)
NEWEST_FIRST = ("-publish_at", "-pk")
OLDEST_FIRST = ("publish_at", "pk")


def published_q(at: datetime | None = None) -> Q:
    """What the public may see: published or scheduled, once the publish time has come."""
    return Q(status__in=PUBLIC_STATUSES, publish_at__lte=at or timezone.now())


def is_published(status: str, publish_at: datetime | None, at: datetime | None = None) -> bool:
    """``published_q()`` for one article's status and publish time."""
    return status in PUBLIC_STATUSES and publish_at is not None and publish_at <= (at or timezone.now())


class ArticleQuerySet(models.QuerySet):
    def published(self, *, at=None):
        """What the public may see (``published_q()``)."""
        return self.filter(published_q(at))

    def upcoming(self, *, at=None):
        """Scheduled articles whose publish time has not come yet, the next one first."""
        return self.filter(status=ArticleStatus.SCHEDULED, publish_at__gt=at or timezone.now()).oldest_first()

    def drafts(self):
        return self.filter(status=ArticleStatus.DRAFT)

    def written_by(self, user):
        return self.filter(author=user)

    def visible_to(self, user):
        """Staff who may change articles also see drafts and scheduled ones (the editor's preview)."""
        if user.is_active and user.is_staff and user.has_perm("articles.change_article"):
            return self.all()
        return self.published()

    def newest_first(self, *first: str):
        """By publish time, the newest first (then by id); after the orderings given in ``first``, if any."""
        return self.order_by(*first, *NEWEST_FIRST)

    def oldest_first(self):
        """By publish time, the earliest first (then by id)."""
        return self.order_by(*OLDEST_FIRST)

    def titled(self, title: str):
        """Articles with this title, whatever its case (a new article's title is checked against them)."""
        return self.filter(title__iexact=title)

    def without_search_text(self):
        """The search document and vector (the whole article's text, twice) are only read by the database."""
        return self.defer("search_document", "search_vector")

    def for_listing(self):
        return self.select_related("work").prefetch_related("tags", "composers").without_search_text().newest_first()

    def search(self, query: str):
        """Articles matching a reader's query, best first; chain it after published() (or visible_to()).

        PostgreSQL: full text over the stored vector, in websearch syntax ("a phrase", -without, this or that),
        ranked, with a ``search_headline`` to pass to the ``search_snippet`` filter; when full text finds
        nothing, the query with its misspelt words corrected (``search_correction`` on each result, empty when the
        query was searched as it was typed). Other databases: every word of the query in the title, standfirst,
        work, composers, tags, sections or featured tracks. How: articles/search/query.py.
        """
        return search_articles(self, query)

    known_count = None  # set on a search's own results only: a further filter() makes a new queryset without it
    ranked_page = None  # likewise, on full text's results: (bottom, top) -> those rows alone (search/query.py)

    def count(self):
        """A search's results know how many they are: their ids were read to rank them."""
        if self.known_count is not None:
            return self.known_count
        return super().count()


class WorkQuerySet(models.QuerySet):
    def timeline_of(self, composer):
        """The works a composer scored (a track of theirs, or a published article crediting them), earliest first;
        works without a year last."""
        credited = Q(tracks__composers=composer) | Q(pk__in=composer.articles.filter(published_q()).values("work_id"))
        return self.filter(credited).distinct().order_by(F("year").asc(nulls_last=True), "title")

    def matching(self, query: str):
        """Works whose title the query's words name ("glass" finds The Glass Orchard): search lists them."""
        return name_matches(self, "title", query)


class ComposerQuerySet(models.QuerySet):
    def matching(self, query: str):
        """Composers whose name the query's words name ("zimmer" finds Hans Zimmer): search lists them."""
        return name_matches(self, "name", query)

    def on_tracks_of(self, work):
        """The composers credited on any of the work's tracks (a new draft about the work names them)."""
        return self.filter(tracks__work=work).distinct()

    def credited_on(self, work):
        """The composers of a work's soundtrack: those credited on its tracks or on its published articles."""
        on_tracks = work.tracks.values("composers")
        on_articles = work.articles.published().values("composers")
        return self.filter(Q(pk__in=on_tracks) | Q(pk__in=on_articles))

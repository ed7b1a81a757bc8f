"""The other articles an article's page links to: its neighbours (the published article just before it and the one
just after) and "more like this" (up to four sharing the most with it: its composers, then its work, then its tags,
then, on PostgreSQL, the words of its title and standfirst).

All read in one query; the words are looked at only when fewer than four share anything else."""

import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from .models import Article
from .querysets import NEWEST_FIRST
from .search.postgres import SEARCH_CONFIG, is_indexed

RELATED_ARTICLES = 4
WORD = re.compile(r"\w{4,}")  # shorter words say little about what an article is about


@dataclass
class Nearby:
    previous: Article | None = None
    next: Article | None = None
    related: list[Article] = field(default_factory=list)


def nearby(article: Article, *, limit: int = RELATED_ARTICLES) -> Nearby:
    """``article``'s neighbours and the articles most like it (its composers and tags as prefetched)."""
    published = Article.objects.published()
    others = published.exclude(pk=article.pk)
    composer_ids = [composer.pk for composer in article.composers.all()]
    tag_ids = [tag.pk for tag in article.tags.all()]
    composers = Article.composers.through.objects.filter(composer_id__in=composer_ids)
    article_type = ContentType.objects.get_for_model(Article)
    tags = Article.tags.through.objects.filter(content_type=article_type, tag_id__in=tag_ids)
    nearness = {
        "shared_composers": shared(composers, "article_id", composer_ids),
        "same_work": Case(When(work_id=article.work_id, then=Value(1)), default=Value(0), output_field=IntegerField()),
        "shared_tags": shared(tags, "object_id", tag_ids),
    }
    candidates = others.filter(pk__in=sharing_any(article, composers, tags))
    sharing = candidates.annotate(**nearness).newest_first("-shared_composers", "-same_work", "-shared_tags")
    wanted = (
        Q(pk=Subquery(published.filter(before(article)).newest_first().values("pk")[:1]))
        | Q(pk=Subquery(published.filter(after(article)).oldest_first().values("pk")[:1]))
        | Q(pk__in=sharing.values("pk")[:limit])
    )
    if words := words_of(article):
        # Only when fewer than four share something: ranking by words reads the stored vector of every article with
        # one of them (a tenth of a second at 10,000 articles), and the database skips it when a fourth exists.
        nearness["similarity"] = SearchRank(F("search_vector"), words)
        in_text = others.filter(search_vector=words).annotate(similarity=nearness["similarity"])
        in_text = in_text.order_by("-similarity", *NEWEST_FIRST).values("pk")[:limit]
        wanted |= ~Exists(candidates.values("pk")[limit - 1 : limit]) & Q(pk__in=in_text)
    found = list(published.filter(wanted).without_search_text().select_related("work").annotate(**nearness))
    return Nearby(
        previous=max((other for other in found if is_before(other, article)), key=place, default=None),
        next=min((other for other in found if is_before(article, other)), key=place, default=None),
        related=most_like(found, limit),
    )


def sharing_any(article: Article, composers, tags):
    """The ids of the articles sharing the work, one of ``composers`` or one of ``tags`` with ``article`` (a subquery).

    Each way of sharing is looked up through its own index. With the relations joined to filter them at once, the
    database read every article with all its composers and tags: a tenth of a second at 10,000 articles."""
    same_work = Article.objects.filter(work_id=article.work_id).order_by().values_list("pk")
    composed, tagged = composers.order_by().values_list("article_id"), tags.order_by().values_list("object_id")
    return same_work.union(composed, tagged).order_by()


def shared(rows, article_column: str, ids: list[int]):
    """How many of ``rows`` (of a relation, those with one of ``ids``) an article has: counted through the relation's
    index on its article column (0 with no ids: an empty IN would make the database skip the query it is in)."""
    if not ids:
        return Value(0, output_field=IntegerField())
    counted = rows.filter(**{article_column: OuterRef("pk")}).order_by().values(article_column)
    return Coalesce(Subquery(counted.annotate(count=Count("pk")).values("count")), 0)


def words_of(article: Article) -> SearchQuery | None:
    """Any of the words of the article's title and standfirst, for full text; None where there is none."""
    words = sorted({word.lower() for word in WORD.findall(f"{article.title} {article.standfirst}")})
    if not words or not is_indexed(Article.objects.db):
        return None
    return SearchQuery(" or ".join(words), search_type="websearch", config=SEARCH_CONFIG)


def most_like(found: list[Article], limit: int) -> list[Article]:
    """Those sharing composers, the work or tags first (in that order of weight), then those sharing words."""
    sharing = [other for other in found if other.shared_composers or other.same_work or other.shared_tags]
    sharing.sort(key=lambda other: (-other.shared_composers, -other.same_work, -other.shared_tags, newest(other)))
    in_text = [other for other in found if other not in sharing and (getattr(other, "similarity", 0) or 0) > 0]
    in_text.sort(key=lambda other: (-other.similarity, newest(other)))
    return (sharing + in_text)[:limit]


def place(article: Article) -> tuple:
    return (article.publish_at, article.pk)


def newest(article: Article) -> tuple:
    return (-article.publish_at.timestamp(), -article.pk)


def is_before(one: Article, other: Article) -> bool:
    return place(one) < place(other)


# Bounded by the date alone first: the index on the dates starts there instead of reading every article before it.
def before(article: Article) -> Q:
    return Q(publish_at__lte=article.publish_at) & (Q(publish_at__lt=article.publish_at) | Q(pk__lt=article.pk))


def after(article: Article) -> Q:
    return Q(publish_at__gte=article.publish_at) & (Q(publish_at__gt=article.publish_at) | Q(pk__gt=article.pk))

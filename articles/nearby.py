"""The other articles an article's page links to: its neighbours (the published article just before it and the one
just after) and "more like this" (up to four sharing the most with it: its composers, then its work, then its tags,
then, on PostgreSQL, the words of its title and standfirst), all read in one query."""

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import Case, Count, F, IntegerField, Q, Subquery, Value, When

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
    nearness = {
        "shared_composers": shared("composers", composer_ids),
        "same_work": Case(When(work_id=article.work_id, then=Value(1)), default=Value(0), output_field=IntegerField()),
        "shared_tags": shared("tags", tag_ids),
    }
    sharing = others.filter(
        reduce(or_, [Q(work_id=article.work_id), *in_any("composers", composer_ids), *in_any("tags", tag_ids)])
    )
    sharing = sharing.annotate(**nearness).newest_first("-shared_composers", "-same_work", "-shared_tags")
    wanted = (
        Q(pk=Subquery(published.filter(before(article)).newest_first().values("pk")[:1]))
        | Q(pk=Subquery(published.filter(after(article)).oldest_first().values("pk")[:1]))
        | Q(pk__in=sharing.values("pk")[:limit])
    )
    if words := words_of(article):
        nearness["similarity"] = SearchRank(F("search_vector"), words)
        in_text = others.filter(search_vector=words).annotate(similarity=nearness["similarity"])
        wanted |= Q(pk__in=in_text.order_by("-similarity", *NEWEST_FIRST).values("pk")[:limit])
    found = list(published.filter(wanted).without_search_text().select_related("work").annotate(**nearness))
    return Nearby(
        previous=max((other for other in found if is_before(other, article)), key=place, default=None),
        next=min((other for other in found if is_before(article, other)), key=place, default=None),
        related=most_like(found, limit),
    )


def shared(relation: str, ids: list[int]):
    """How many of ``ids`` an article has in ``relation`` (0 with none to share: an empty IN would make the
    database skip the whole subquery it is in)."""
    if not ids:
        return Value(0, output_field=IntegerField())
    return Count(relation, filter=Q(**{f"{relation}__in": ids}), distinct=True)


def in_any(relation: str, ids: list[int]) -> list[Q]:
    return [Q(**{f"{relation}__in": ids})] if ids else []


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


def before(article: Article) -> Q:
    return Q(publish_at__lt=article.publish_at) | Q(publish_at=article.publish_at, pk__lt=article.pk)


def after(article: Article) -> Q:
    return Q(publish_at__gt=article.publish_at) | Q(publish_at=article.publish_at, pk__gt=article.pk)

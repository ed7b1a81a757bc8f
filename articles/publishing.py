"""Publishing articles: what goes public when, and publishing or unpublishing several at once.

The admin's bulk actions call ``publish()`` and ``unpublish()``: each is one UPDATE, so no save signal runs, and
they do here what a save would have done (a revision per article changed, the page cache told).
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Case, F, QuerySet, Value, When
from django.utils import timezone

from pagecache.stamps import catalogue_changed

from .models import Article
from .placeholders import Placeholder, placeholders_left
from .revisions import keep_revision


def next_scheduled_publication() -> datetime | None:
    """When the next scheduled article goes public (the page cache asks, through PAGECACHE_NEXT_SCHEDULED_CHANGE)."""
    return Article.objects.upcoming().values_list("publish_at", flat=True).first()


@dataclass(frozen=True)
class Publication:
    """What ``publish()`` did: how many articles it published, and those it refused with their placeholders left."""

    count: int
    refused: dict[Article, list[Placeholder]]


@transaction.atomic
def publish(
    articles: QuerySet[Article],
    *,
    by: AbstractBaseUser | None = None,
    at: datetime | None = None,
    comment: str = "Published.",
) -> Publication:
    """Publish these articles at ``at`` (now by default): published, and public from then on, or from their own
    publish time if it has already come. An article with placeholders left is refused and left as it was. Each
    article published gets a revision by ``by``, with ``comment``."""
    now = at or timezone.now()
    before = versions_before(articles)
    refused = {
        article: left
        for article in articles.prefetch_related("sections", "featured_tracks").order_by("title", "pk")
        if (left := placeholders_left(article))
    }
    # One UPDATE: a second one would re-apply the queryset's filters (the changelist's date drill-down on
    # publish_at) after the first had moved publish_at, and miss the very rows it should publish.
    count = articles.exclude(pk__in=[article.pk for article in refused]).update(
        status=Article.Status.PUBLISHED,
        publish_at=Case(When(publish_at__lte=now, then=F("publish_at")), default=Value(now)),
        updated_at=now,
    )
    catalogue_changed()  # an update() sends no signals
    keep_revisions(before, by=by, comment=comment)
    return Publication(count, refused)


@transaction.atomic
def unpublish(
    articles: QuerySet[Article],
    *,
    by: AbstractBaseUser | None = None,
    at: datetime | None = None,
    comment: str = "Unpublished.",
) -> int:
    """Take these articles back to draft; return how many. Each gets a revision by ``by``, with ``comment``."""
    before = versions_before(articles)
    count = articles.update(status=Article.Status.DRAFT, updated_at=at or timezone.now())
    catalogue_changed()
    keep_revisions(before, by=by, comment=comment)
    return count


def versions_before(articles: QuerySet[Article]) -> dict[int, datetime]:
    """Each article's ``updated_at`` before a change, for ``keep_revisions()``."""
    return dict(articles.values_list("pk", "updated_at"))


def keep_revisions(before: dict[int, datetime], *, by: AbstractBaseUser | None, comment: str) -> None:
    """A revision of each of these articles that changed since ``before`` (an update() keeps none by itself)."""
    changed = Article.objects.filter(pk__in=before).order_by("pk")
    keep_revision([article for article in changed if article.updated_at != before[article.pk]], by=by, comment=comment)

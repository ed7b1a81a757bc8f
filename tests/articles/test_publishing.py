"""Publishing and unpublishing several articles at once (articles.publishing), as the admin's bulk actions do."""

from datetime import timedelta

import pytest
from reversion.models import Version

from articles.models import Article
from articles.publishing import publish, unpublish
from tests.utils.clock import NOW
from tests.utils.factories import ArticleFactory, SectionFactory, editor

pytestmark = pytest.mark.django_db


def test_publishing_keeps_a_publish_time_that_has_come_and_brings_a_later_one_to_now():
    earlier = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=NOW - timedelta(days=1))
    later = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=NOW + timedelta(days=1))
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)

    publication = publish(Article.objects.all(), at=NOW)

    assert (publication.count, publication.refused) == (3, {})
    for article, publish_at in [(earlier, NOW - timedelta(days=1)), (later, NOW), (draft, NOW)]:
        article.refresh_from_db()
        assert (article.status, article.publish_at, article.updated_at) == (Article.Status.PUBLISHED, publish_at, NOW)


def test_an_article_with_placeholders_left_is_refused_and_left_as_it_was():
    unfinished = ArticleFactory(title="Why [title] matters", status=Article.Status.DRAFT, publish_at=None)
    SectionFactory(article=unfinished, position=1, body="[specific track] first.")

    publication = publish(Article.objects.all(), at=NOW)

    assert publication.count == 0
    assert [str(left) for left in publication.refused[unfinished]] == [
        "[title] (title)",
        "[specific track] (Section 1: body)",
    ]
    unfinished.refresh_from_db()
    assert (unfinished.status, unfinished.publish_at) == (Article.Status.DRAFT, None)


def test_each_article_changed_gets_a_revision_by_whoever_changed_it():
    user = editor()
    published, draft = ArticleFactory(), ArticleFactory(status=Article.Status.DRAFT, publish_at=None)

    assert unpublish(Article.objects.filter(pk=published.pk), by=user, comment="Taken down.") == 1

    [version] = Version.objects.get_for_object(published)
    assert (version.field_dict["status"], version.revision.user, version.revision.comment) == (
        Article.Status.DRAFT,
        user,
        "Taken down.",
    )
    assert not Version.objects.get_for_object(draft).exists()

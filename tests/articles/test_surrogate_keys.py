"""Which surrogate keys each page carries, and which each change purges from the edge (articles/surrogate_keys.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article
from articles.publishing import publish
from comments import services
from comments.models import Comment
from tests.utils.edge import RecordingEdgeCache
from tests.utils.factories import (
    ArticleFactory,
    CommentFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]


@pytest.fixture(autouse=True)
def edge(settings):
    settings.EDGE_CACHE_BACKEND = "tests.utils.edge.RecordingEdgeCache"
    RecordingEdgeCache.purged()
    return RecordingEdgeCache


def keys_of(client, path) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200
    return set(response["xkey"].split())


@pytest.fixture
def article():
    composer = ComposerFactory()
    article = ArticleFactory()
    article.composers.add(composer)
    article.tags.add("Strings")
    return article


def card_keys(article) -> set[str]:
    composer, tag = article.composers.get(), article.tags.get()
    return {f"article-{article.pk}", f"work-{article.work_id}", f"composer-{composer.pk}", f"tag-{tag.pk}"}


class TestPagesCarry:
    def test_an_article_page_its_card_its_comments_and_its_neighbours(self, client, article):
        earlier = ArticleFactory(publish_at=article.publish_at - timedelta(days=1))

        keys = keys_of(client, article.get_absolute_url())

        assert keys == card_keys(article) | {"catalogue", f"comments-{article.pk}", f"article-{earlier.pk}"}

    def test_an_article_page_the_related_articles_it_links_to_with_their_works(self, client, article):
        related = ArticleFactory(publish_at=article.publish_at - timedelta(days=2))
        related.tags.add("Strings")
        earlier = ArticleFactory(publish_at=article.publish_at - timedelta(days=1))

        keys = keys_of(client, article.get_absolute_url())

        shown = {f"article-{related.pk}", f"work-{related.work_id}", f"article-{earlier.pk}"}
        assert keys == card_keys(article) | {"catalogue", f"comments-{article.pk}"} | shown

    def test_the_same_keys_when_the_article_comes_from_its_cached_parts(self, client, settings, article):
        settings.DEBUG = False  # the article's parts are cached
        first = keys_of(client, article.get_absolute_url())

        again = keys_of(client, article.get_absolute_url() + "?utm_source=feed")  # another page, the same parts

        assert again == first == card_keys(article) | {"catalogue", f"comments-{article.pk}"}

    def test_the_home_page_lists_and_the_cards_shown(self, client, article):
        assert keys_of(client, "/") == {"catalogue", "lists"} | card_keys(article)

    def test_a_tag_composer_and_work_page_their_own_key_too(self, client, article):
        tag, composer = article.tags.get(), article.composers.get()
        base = {"catalogue", "lists"} | card_keys(article)

        assert keys_of(client, f"/tags/{tag.slug}/") == base
        assert keys_of(client, composer.get_absolute_url()) == base
        assert keys_of(client, article.work.get_absolute_url()) == base

    def test_a_feed_or_sitemap_says_nothing_and_carries_lists(self, client, article):
        assert keys_of(client, "/sitemap.xml") == {"catalogue", "lists"}


class TestChangesPurge:
    def test_a_works_change_purges_its_key_alone(self, edge, article, committed):
        article.work.title = "Retitled"
        with committed():
            article.work.save()

        assert edge.purged() == {f"work-{article.work_id}"}

    def test_a_tracks_change_purges_its_works_key(self, edge, committed):
        track, composer = TrackFactory(), ComposerFactory()

        track.title = "Renamed"
        with committed():
            track.save()
            track.composers.add(composer)

        assert edge.purged() == {f"work-{track.work_id}"}

    def test_a_tags_or_composers_change_purges_its_key(self, edge, article, committed):
        tag, composer = article.tags.get(), article.composers.get()
        with committed():
            Tag.objects.get(pk=tag.pk).save()
            composer.save()

        assert edge.purged() == {f"tag-{tag.pk}", f"composer-{composer.pk}"}

    def test_an_articles_edit_purges_its_pages_and_the_lists(self, edge, article, committed):
        article.title = "A better title"
        brass = Tag.objects.create(name="Brass", slug="brass")
        with committed():
            article.save()
            article.tags.add(brass)

        assert edge.purged() == {f"article-{article.pk}", "lists"}

    def test_a_section_or_featured_track_purges_the_article_page(self, edge, article, committed):
        track = TrackFactory(work=article.work)
        with committed():
            SectionFactory(article=article)
            FeaturedTrackFactory(article=article, track=track)

        assert edge.purged() == {f"article-{article.pk}"}

    @pytest.mark.parametrize(
        "change",
        [
            lambda article: setattr(article, "status", Article.Status.DRAFT) or article.save(),
            lambda article: setattr(article, "publish_at", timezone.now() - timedelta(days=9)) or article.save(),
            lambda article: article.delete(),
            lambda article: ArticleFactory(),
            lambda article: publish(Article.objects.filter(pk=article.pk)),
        ],
        ids=["unpublished", "moved in time", "deleted", "new article", "bulk publishing"],
    )
    def test_a_change_of_what_is_public_or_its_order_purges_every_page(self, edge, article, change, committed):
        with committed():
            change(article)

        assert "catalogue" in edge.purged()

    def test_a_comment_approved_purges_its_articles_comments(self, edge, article, admin_user, committed):
        with committed():
            pending = CommentFactory(article=article, status=Comment.Status.PENDING)
        assert edge.purged() == set(), "a comment waiting for moderation changes no page"

        with committed():
            services.moderate(
                Comment.objects.filter(pk=pending.pk), to_status=Comment.Status.APPROVED, actor=admin_user
            )

        assert edge.purged() == {f"comments-{article.pk}"}

    def test_a_purge_waits_for_the_commit(self, edge, article, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            article.work.save()

        assert edge.purged() == set() and callbacks

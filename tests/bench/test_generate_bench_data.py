"""The bench data generator, at a tiny scale: the rows it promises, the same rows for the same seed."""

import pytest
from django.conf import settings
from django.db.models import Count, F

from articles.models import Article, Composer, FeaturedTrack, Section, Work
from bench.generate import (
    HOT_SLUG,
    MID_COMMENTS,
    MID_SLUG,
    SEARCH_PHRASE,
    SECTIONS_PER_ARTICLE,
    Scale,
    delete_site_content,
    generate,
)
from comments.models import Comment

TINY = Scale(articles=8, works=3, composers=4, tags=6, comments=450, pending=40, hot_comments=120, seed=1)

pytestmark = pytest.mark.django_db


def fingerprint() -> tuple:
    """The generated site without its ids and insert times: what must not change from one run to the next."""
    articles = list(
        Article.objects.order_by("slug").values_list("slug", "title", "work__slug", "publish_at", "standfirst_html")
    )
    composers = sorted(Article.composers.through.objects.values_list("article__slug", "composer__slug"))
    tags = sorted(Article.tags.through.objects.values_list("object_id", "tag__name"))
    sections = list(
        Section.objects.order_by("article__slug", "position").values_list(
            "article__slug", "position", "heading", "numbered", "body_html", "word_count"
        )
    )
    featured = list(
        FeaturedTrack.objects.order_by("article__slug", "position").values_list(
            "article__slug", "position", "track__work__slug", "track__position", "section__position", "note_html"
        )
    )
    comments = list(
        Comment.objects.order_by("article__slug", "created_at", "author_name").values_list(
            "article__slug",
            "author_name",
            "author_email",
            "body",
            "status",
            "depth",
            "created_at",
            "parent__author_name",
            "parent__created_at",
            "thread__author_name",
            "thread__created_at",
            "favourite_track__position",
        )
    )
    slugs = dict(Article.objects.values_list("pk", "slug"))
    tags = sorted((slugs[int(pk)], name) for pk, name in tags)
    return articles, composers, tags, sections, featured, comments


def test_makes_the_rows_the_scale_asks_for():
    counts = generate(TINY)

    assert Article.objects.published().count() == TINY.articles
    assert Work.objects.count() == TINY.works
    assert Composer.objects.count() == TINY.composers
    assert counts["taggit.Tag"] == TINY.tags
    assert Comment.objects.count() == TINY.comments
    assert Comment.objects.in_moderation().count() == TINY.pending
    assert Comment.objects.approved().count() == TINY.comments - TINY.pending
    per_article = Article.objects.annotate(
        section_count=Count("sections", distinct=True), track_count=Count("featured_tracks", distinct=True)
    )
    assert {article.section_count for article in per_article} == {SECTIONS_PER_ARTICLE}
    assert all(4 <= article.track_count <= 8 for article in per_article)
    assert not FeaturedTrack.objects.exclude(track__work=F("article__work")).exists()


def test_the_hot_article_and_the_200_comment_article_have_exactly_their_approved_comments():
    generate(TINY)

    hot, mid = Article.objects.get(slug=HOT_SLUG), Article.objects.get(slug=MID_SLUG)
    assert Comment.objects.approved().for_article(hot).count() == TINY.hot_comments
    assert Comment.objects.for_article(hot).count() == TINY.hot_comments
    assert Comment.objects.approved().for_article(mid).count() == MID_COMMENTS
    assert Comment.objects.for_article(mid).count() == MID_COMMENTS
    assert Comment.objects.discussion_counts(hot).comments == TINY.hot_comments


def test_threads_and_depths_are_consistent():
    generate(TINY)

    comments = {comment.pk: comment for comment in Comment.objects.all()}
    assert max(comment.depth for comment in comments.values()) == settings.COMMENTS_MAX_DEPTH - 1
    for comment in comments.values():
        if comment.parent_id is None:
            assert comment.thread_id is None
            assert comment.depth == 0
            continue
        parent = comments[comment.parent_id]
        assert comment.depth == parent.depth + 1 < settings.COMMENTS_MAX_DEPTH
        assert comment.thread_id == (parent.thread_id or parent.pk)
        assert comments[comment.thread_id].depth == 0
        assert parent.article_id == comment.article_id
        assert parent.status == Comment.Status.APPROVED  # replies hang under comments readers can see
        assert parent.created_at <= comment.created_at


def test_the_same_seed_makes_the_same_site_and_another_seed_another():
    generate(TINY)
    first = fingerprint()

    delete_site_content()
    assert not Article.objects.exists() and not Comment.objects.exists()
    generate(TINY)
    assert fingerprint() == first

    delete_site_content()
    generate(Scale(**{**TINY.as_dict(), "seed": 2}))
    assert fingerprint() != first


def test_the_generated_site_is_searchable_and_its_pages_render(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    generate(TINY)

    assert Article.objects.published().search(f'"{SEARCH_PHRASE}"').exists()
    hot = client.get(f"/articles/{HOT_SLUG}/")
    assert hot.status_code == 200
    assert hot.context["counts"].comments == TINY.hot_comments


def test_a_scale_without_room_for_its_comments_is_refused():
    with pytest.raises(ValueError, match="--comments"):
        generate(Scale(articles=5, comments=100, pending=10, hot_comments=100))

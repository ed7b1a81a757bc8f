"""HTML stored in the database is sanitized again when pages show it: a tampered row cannot inject a script."""

import pytest

from articles.models import Article, Composer, FeaturedTrack, Section
from comments.models import Comment
from tests.utils.factories import ArticleFactory, CommentFactory, ComposerFactory, FeaturedTrackFactory, SectionFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<p>kept</p><script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'


JSON_LD = '<script type="application/ld+json">'
OWN_SCRIPTS = [
    '<script src="/static/js/comment-form.js"',
    '<script src="/static/js/players.js"',
    '<script src="/static/js/staff-links.js"',
]


def assert_defused(html: str) -> None:
    assert "<p>kept</p>" in html
    # The script elements allowed are the structured data (a JSON block that browsers never execute) and the
    # site's own static scripts (the comment form's, the featured tracks' players', staff's links), each once at most.
    own = [html.count(script) for script in OWN_SCRIPTS]
    assert html.count("<script") == html.count(JSON_LD) + sum(own)
    assert html.count(JSON_LD) <= 1 and max(own) <= 1
    for needle in ("onerror", "javascript:"):
        assert needle not in html


def test_tampered_article_fragments_are_sanitized_on_the_article_page(client):
    article = ArticleFactory()
    section = SectionFactory(article=article)
    featured = FeaturedTrackFactory(article=article)
    Article.objects.filter(pk=article.pk).update(standfirst_html=HOSTILE)
    Section.objects.filter(pk=section.pk).update(body_html=HOSTILE)
    FeaturedTrack.objects.filter(pk=featured.pk).update(note_html=HOSTILE)

    html = client.get(article.get_absolute_url()).content.decode()

    assert_defused(html)
    assert html.count("<p>kept</p>") == 3


def test_a_tampered_standfirst_is_sanitized_on_list_pages_and_a_bio_on_the_composer_page(client):
    article = ArticleFactory()
    composer = ComposerFactory()
    article.composers.add(composer)
    Article.objects.filter(pk=article.pk).update(standfirst_html=HOSTILE)
    Composer.objects.filter(pk=composer.pk).update(bio_html=HOSTILE)

    assert_defused(client.get("/").content.decode())
    assert_defused(client.get(composer.get_absolute_url()).content.decode())


def test_a_tampered_comment_is_sanitized_on_the_article_page(client):
    comment = CommentFactory()
    Comment.objects.filter(pk=comment.pk).update(body_html=HOSTILE)

    assert_defused(client.get(comment.article.get_absolute_url()).content.decode())

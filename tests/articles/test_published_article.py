"""A public article as its page and a comment's post read it (articles/pages.py, ``published_article``) is kept
under the catalogue stamp while the page cache is on: the page rendered again after a new comment, and the post, do
not read it again, and every change to it shows on the next request."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from comments.forms import new_form_token
from comments.models import Comment
from tests.utils.discussion import bodies, known_commenter, post_comment, post_url
from tests.utils.factories import ArticleFactory, FeaturedTrackFactory
from tests.utils.html import parse

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]


@pytest.fixture
def article():
    article = ArticleFactory(title="The long cue")
    FeaturedTrackFactory(article=article)
    return article


def articles_read(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if 'FROM "articles_article"' in query["sql"]]


def test_the_page_rendered_again_after_a_comment_reads_neither_the_article_nor_its_tracks(client, clock, article):
    known_commenter(article)
    Client().get(article.get_absolute_url())

    with CaptureQueriesContext(connection) as posting:
        assert post_comment(client, clock, article, body="Published at once.").status_code == 302
    with CaptureQueriesContext(connection) as reading:
        page = parse(Client().get(article.get_absolute_url()))

    assert "Published at once." in bodies(page)
    assert articles_read(posting) == []
    assert articles_read(reading) == []
    assert not [query for query in reading.captured_queries if 'FROM "articles_featuredtrack"' in query["sql"]]


def test_an_edited_article_shows_on_the_next_view(article):
    Client().get(article.get_absolute_url())

    article.title = "The longer cue"
    article.save()

    assert "The longer cue" in Client().get(article.get_absolute_url()).content.decode()


def test_a_track_featured_after_the_article_was_kept_can_be_picked_on_the_next_post(client, clock, article):
    Client().get(article.get_absolute_url())

    added = FeaturedTrackFactory(article=article)

    assert post_comment_to(client, clock, article, favourite_track=added.pk).status_code == 302
    assert Comment.objects.get().favourite_track == added


def test_an_article_taken_back_to_draft_is_gone_at_once_and_takes_no_comment(client, clock, article):
    Client().get(article.get_absolute_url())

    article.status = Article.Status.DRAFT
    article.save()

    assert Client().get(article.get_absolute_url()).status_code == 404
    assert post_comment_to(client, clock, article).status_code == 404
    assert not Comment.objects.exists()


def test_closing_its_comments_refuses_the_next_post(client, clock, article):
    assert client.get(article.get_absolute_url()).status_code == 200

    article.comments_open = False
    article.save()

    assert post_comment_to(client, clock, article).status_code == 403
    assert not Comment.objects.exists()


def test_a_scheduled_article_is_found_once_its_time_comes(clock, article):
    Article.objects.filter(pk=article.pk).update(status=Article.Status.SCHEDULED)
    article.refresh_from_db()
    article.publish_at = timezone.now() + timedelta(minutes=5)
    article.save()
    assert Client().get(article.get_absolute_url()).status_code == 404

    clock.shift(6 * 60)

    assert Client().get(article.get_absolute_url()).status_code == 200


def post_comment_to(client, clock, article, **fields):
    """A comment posted with a form fetched before the change (the article's page may be gone by then)."""
    form = {"author_name": "Mara", "author_email": "mara@example.com", "body": "Late words."} | fields
    form["form_token"] = new_form_token()
    clock.shift(5)
    return client.post(post_url(article), form)

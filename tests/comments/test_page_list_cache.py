"""A page of threads is kept for every reader without comments of their own, under the comments it shows: a new
thread, which goes on the last page, reads none of the first page's comments again, and every change to a comment a
page shows reaches that page at once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from comments import personal_data, services
from comments.models import Comment
from tests.utils.discussion import bodies, comment_item, heading
from tests.utils.factories import ArticleFactory, CommentFactory, FeaturedTrackFactory, TrackFactory, moderator
from tests.utils.html import Document, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def threads(settings):
    """Three threads, two to a page: the first page shows the first two."""
    settings.COMMENTS_THREADS_PER_PAGE = 2
    article = ArticleFactory()
    return [CommentFactory(article=article, body=f"Thread {number}.") for number in (1, 2, 3)]


def read(url: str) -> tuple[Document, list[str]]:
    """The page as a new reader gets it, and the queries that read comments' bodies for it."""
    page, discussion_queries = read_discussion(url)
    return page, [sql for sql in discussion_queries if '"comments_comment"."body_html"' in sql]


def read_discussion(url: str) -> tuple[Document, list[str]]:
    """The page as a new reader gets it, and the queries it made of the comments' table."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code == 200
    return parse(response), [query["sql"] for query in queries if 'FROM "comments_comment"' in query["sql"]]


def test_a_new_thread_on_the_last_page_reads_none_of_the_first_pages_comments_again(threads):
    url = threads[0].article.get_absolute_url()
    read(url)

    CommentFactory(article=threads[0].article, body="Thread 4.")
    page, comments_read = read(url)

    assert heading(page) == "4 comments"
    assert bodies(page) == ["Thread 1.", "Thread 2."]
    assert comments_read == []
    assert bodies(read(url + "?comments=2")[0]) == ["Thread 3.", "Thread 4."]


def test_a_reply_in_a_thread_of_the_page_shows_on_it_at_once_reading_the_discussion_four_times(threads):
    url = threads[0].article.get_absolute_url()
    read(url)

    CommentFactory(parent=threads[1], body="A reply.")
    page, discussion_queries = read_discussion(url)

    assert bodies(page) == ["Thread 1.", "Thread 2.", "A reply."]
    # The counts, the page's threads, their versions, then their comments (the article's other parts are kept).
    assert len(discussion_queries) == 4
    assert len([sql for sql in discussion_queries if '"comments_comment"."body_html"' in sql]) == 1


def test_a_reply_form_page_rendered_first_makes_the_article_pages_queries(threads):
    """The comment replied to comes with the page's comments, when they are read."""
    url = threads[0].article.get_absolute_url()

    def queries(address: str) -> int:
        cache.clear()  # rendered first: nothing of the page kept
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(address).status_code == 200
        return len(captured)

    assert queries(f"{url}?reply_to={threads[1].pk}") == queries(url)


def reject_the_first_thread(threads):
    services.moderate(Comment.objects.filter(pk=threads[0].pk), to_status=Comment.Status.REJECTED, actor=moderator())
    return ["Thread 2.", "Thread 3."]  # the next thread comes up to the first page


def approve_a_waiting_reply(threads):
    reply = Comment.objects.get(body="A reply that waited.")
    services.moderate(Comment.objects.filter(pk=reply.pk), to_status=Comment.Status.APPROVED, actor=moderator())
    return ["Thread 1.", "A reply that waited.", "Thread 2."]


def edit_the_first_thread(threads):
    CommentFactory(author_email=threads[0].author_email)  # a known commenter: the edit stays published
    services.edit_comment(threads[0], body="Thread 1, edited.", favourite_track=None)
    return ["Thread 1, edited.", "Thread 2."]


def erase_the_first_threads_writer(threads):
    with override_settings(PRIVACY_ERASURE="delete"):  # a comment with replies stays, emptied
        personal_data.erase(threads[0].author_email)
    return [personal_data.DELETED, "Thread 2."]


@pytest.mark.parametrize(
    "change", [reject_the_first_thread, approve_a_waiting_reply, edit_the_first_thread, erase_the_first_threads_writer]
)
def test_a_change_to_a_comment_the_page_shows_reaches_it(threads, change):
    CommentFactory(parent=threads[0], body="A reply that waited.", status=Comment.Status.PENDING)
    url = threads[0].article.get_absolute_url()
    assert bodies(read(url)[0]) == ["Thread 1.", "Thread 2."]

    shown = change(threads)

    assert bodies(read(url)[0]) == shown


def test_a_renamed_favourite_track_reaches_the_cards_that_picked_it(threads):
    article = threads[0].article
    featured = FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work, title="First light"))
    picked = CommentFactory(
        article=article, body="Thread 0.", favourite_track=featured, created_at=threads[0].created_at
    )
    url = article.get_absolute_url()
    assert "First light" in comment_item(read(url)[0], picked).text

    featured.track.title = "Renamed in the catalogue"
    featured.track.save()

    assert "Renamed in the catalogue" in comment_item(read(url)[0], picked).text

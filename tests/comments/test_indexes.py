"""The comment queries that run on every post and every queue load can use an index (PostgreSQL)."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.moderation import Submission, _known_commenter, is_recent_duplicate
from comments.threads import in_threads, page_of, page_threads
from tests.utils.database import plan, sql_plan
from tests.utils.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql("query plans of PostgreSQL")]


def test_the_known_commenter_rule_finds_an_email_in_any_case_through_an_index():
    CommentFactory(author_email="Ash@Example.com")
    for n in range(20):  # approved comments from other people: the status alone would not narrow the search
        CommentFactory(author_email=f"listener{n}@example.com", article=Comment.objects.first().article)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    earlier = Comment.objects.approved().filter(author_email__iexact="ash@example.COM").order_by()

    assert "comment_author_email_status" in plan(earlier)
    assert _known_commenter(Submission(article_id=1, body="", author_name="Ash", email="ASH@example.com"))


def test_the_duplicate_check_finds_a_repeat_in_any_case():
    comment = CommentFactory(author_email="ash@example.com", body="Same words.")

    assert is_recent_duplicate(
        Submission(article_id=comment.article_id, body="Same words.", author_name="Ash", email="Ash@Example.com")
    )


def test_the_moderation_queue_order_is_read_from_its_index():
    CommentFactory.create_batch(3)

    assert "comment_queue_order" in plan(Comment.objects.queue_order()[:50])


def busy_discussion():
    """An article many wrote about: 120 threads with a reply each."""
    article = ArticleFactory()
    for thread in CommentFactory.create_batch(120, article=article):
        CommentFactory(parent=thread)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    return article


def test_the_page_of_a_new_thread_counts_the_threads_before_it_through_the_thread_starts_index():
    article = busy_discussion()
    newest = Comment.objects.filter(article=article).thread_starts().last()

    with CaptureQueriesContext(connection) as queries:
        page_of(newest)
    [query] = queries.captured_queries
    query_plan = sql_plan(query["sql"])

    # Which comments start a thread is the index's own condition (comment_article_thread_starts') or part of what it
    # looks up, not a filter on every row it finds: which index wins depends on the table's statistics.
    conditions = re.findall(r"Index Cond: (.*)", query_plan)
    through_an_index = any("thread_id IS NULL" in condition for condition in conditions)
    assert "comment_article_thread_starts" in query_plan or through_an_index, query_plan
    assert page_of(newest) == 119 // settings.COMMENTS_THREADS_PER_PAGE + 1  # after the 119 threads before it


def long_discussion():
    """An article with far more comments than a page shows: 1,000 threads with a reply each."""
    article = ArticleFactory()
    starts = Comment.objects.bulk_create(
        CommentFactory.build(article=article, body=f"Thread {n}.") for n in range(1000)
    )
    Comment.objects.bulk_create(CommentFactory.build(parent=start, body="A reply.") for start in starts)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    return article


def test_the_comments_of_a_page_of_threads_are_found_through_indexes():
    article = long_discussion()
    approved = Comment.objects.approved().for_article(article)
    thread_ids = page_threads(approved, 1)

    query_plan = plan(in_threads(approved, thread_ids))

    # The starts by their keys and the replies by their thread, not every comment of the article tested.
    assert "BitmapOr" in query_plan, query_plan
    assert "comments_comment_pkey" in query_plan
    assert in_threads(approved, thread_ids).count() == 2 * len(thread_ids)


def test_a_page_of_threads_is_read_in_order_from_its_index_without_sorting_every_thread():
    long_discussion()  # another article's, older: the newer one's threads are not the first ones written
    article = long_discussion()
    approved = Comment.objects.approved().for_article(article)

    with CaptureQueriesContext(connection) as queries:
        first_page = page_threads(approved, 1)
    [query] = queries.captured_queries
    query_plan = sql_plan(query["sql"])

    # Read in their order from an index (comment_article_thread_starts, or the creation times' with the ties sorted):
    # only the page's threads are read, never all of them sorted.
    assert not re.search(r"(^|->)\s*Sort\s+\(", query_plan, re.M), query_plan
    threads = approved.thread_starts().order_by("created_at", "pk")
    assert first_page == list(threads.values_list("pk", flat=True)[: settings.COMMENTS_THREADS_PER_PAGE])

"""The queue's counts and lists on every load read an index, not the table (PostgreSQL)."""

import re

import pytest
from django.db import connection

from comments.models import Comment
from tests.utils.database import plan
from tests.utils.factories import CommentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql("query plans of PostgreSQL")]


@pytest.fixture
def some_reported():
    CommentFactory.create_batch(20)
    CommentFactory.create_batch(2, report_count=1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")


def test_the_reported_tab_is_counted_from_its_own_index(some_reported):
    assert "comment_reported" in plan(Comment.objects.reported().order_by()[:10_001])


def test_the_reported_tab_is_listed_in_the_queues_order_from_its_own_index(some_reported):
    assert "comment_reported" in plan(Comment.objects.reported().queue_order()[:50])


def test_the_pending_tab_is_listed_newest_first_from_the_status_index(some_reported):
    newest_pending = Comment.objects.in_moderation().order_by("-created_at", "-pk")[:50]

    assert re.search(r"\bcomment_queue\b", plan(newest_pending))  # (status, -created_at), not the order's index

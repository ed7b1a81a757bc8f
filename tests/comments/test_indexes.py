"""The comment queries that run on every post and every queue load can use an index (PostgreSQL)."""

import pytest
from django.db import connection

from comments.models import Comment
from comments.moderation import Submission, _known_commenter, is_recent_duplicate
from tests.utils.database import plan
from tests.utils.factories import CommentFactory

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

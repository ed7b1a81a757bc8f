"""A page of comments is cached whole (in the article's comment section) for readers with none of their own comments
on the article; every change to a comment moves the article's discussion stamp, so the next view shows it."""

import pytest
from django.test import Client
from django.urls import reverse

from comments import services
from comments.models import Comment
from pagecache.stamps import catalogue_changed
from tests.utils.discussion import article_page, bodies
from tests.utils.factories import ArticleFactory, CommentFactory, moderator

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory()


def signed_in() -> Client:
    client = Client()
    client.force_login(moderator())  # a session: the page cache never answers
    return client


def test_the_second_view_comes_from_the_cached_list(article):
    comment = CommentFactory(article=article, body="Kept.")
    client = signed_in()
    article_page(article, client)

    # A change behind the application's back (no version move) is not seen: the comments were not read again.
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>Changed.</p>")
    assert bodies(article_page(article, client)) == ["Kept."]

    catalogue_changed()
    assert bodies(article_page(article, client)) == ["Changed."]


@pytest.mark.parametrize("to_status", [Comment.Status.REJECTED, Comment.Status.SPAM])
def test_moderating_a_shown_comment_away_shows_at_once(article, to_status):
    CommentFactory(article=article, body="Kept.")
    gone = CommentFactory(article=article, body="Gone.")
    client = signed_in()
    assert bodies(article_page(article, client)) == ["Kept.", "Gone."]

    services.moderate(Comment.objects.filter(pk=gone.pk), to_status=to_status, actor=moderator())

    assert bodies(article_page(article, client)) == ["Kept."]


def test_approving_a_pending_comment_shows_it_at_once(article):
    CommentFactory(article=article, body="Kept.")
    pending = CommentFactory(article=article, body="Waiting.", status=Comment.Status.PENDING)
    client = signed_in()
    assert bodies(article_page(article, client)) == ["Kept."]

    services.moderate(Comment.objects.filter(pk=pending.pk), to_status=Comment.Status.APPROVED, actor=moderator())

    assert bodies(article_page(article, client)) == ["Kept.", "Waiting."]


def test_bulk_moderation_in_the_admin_shows_at_once(article):
    kept = CommentFactory(article=article, body="Kept.")
    pending = CommentFactory(article=article, body="Waiting.", status=Comment.Status.PENDING)
    client = signed_in()
    assert bodies(article_page(article, client)) == ["Kept."]

    admin = Client()
    admin.force_login(moderator())
    changelist = reverse("admin:comments_comment_changelist") + "?status__exact=all"  # it opens on pending ones
    for action, pks in (("approve", [pending.pk]), ("reject", [kept.pk])):
        response = admin.post(changelist, {"action": action, "_selected_action": pks})
        assert response.status_code == 302

    assert bodies(article_page(article, client)) == ["Waiting."]


def test_an_edit_and_a_deletion_show_at_once(article):
    other = CommentFactory(article=article, body="Other.", author_email="known@example.com")
    comment = CommentFactory(article=article, body="First.", author_email="known@example.com")
    client = signed_in()
    assert bodies(article_page(article, client)) == ["Other.", "First."]

    services.edit_comment(comment, body="Second.", favourite_track=None)
    assert bodies(article_page(article, client)) == ["Other.", "Second."]

    other.delete()
    assert bodies(article_page(article, client)) == ["Second."]


def test_a_comment_edited_in_the_admin_shows_at_once(article):
    comment = CommentFactory(article=article, body="Before.")
    client = signed_in()
    assert bodies(article_page(article, client)) == ["Before."]

    comment.body_html = "<p>After.</p>"
    comment.save()

    assert bodies(article_page(article, client)) == ["After."]


def test_a_new_approved_comment_shows_at_once(article):
    CommentFactory(article=article, body="Kept.")
    client = signed_in()
    article_page(article, client)

    CommentFactory(article=article, body="New.")

    assert bodies(article_page(article, client)) == ["Kept.", "New."]


def test_a_reader_with_a_pending_comment_sees_it_and_another_reader_does_not(article, own_client):
    CommentFactory(article=article, body="Kept.")
    client = signed_in()
    assert bodies(article_page(article, client)) == ["Kept."]
    pending = CommentFactory(article=article, body="Mine, waiting.", status=Comment.Status.PENDING)

    assert bodies(article_page(article, own_client(pending))) == ["Kept.", "Mine, waiting."]
    assert bodies(article_page(article, client)) == ["Kept."]
    assert bodies(article_page(article, own_client(pending))) == ["Kept.", "Mine, waiting."]

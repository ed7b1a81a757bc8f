"""Erasing a commenter's comments, in each PRIVACY_ERASURE mode: the writer goes, every thread keeps its shape, and
the cached pages that showed the comments are stale at once."""

import pytest
from django.utils import timezone

from comments.models import Comment, CommentReport, ModerationEvent, ReplyNotice
from comments.personal_data import ANONYMOUS, DELETED
from pagecache.stamps import discussion_key
from privacy import services
from tests.utils.factories import CommentFactory, CommentReportFactory

pytestmark = pytest.mark.django_db


def test_anonymising_keeps_every_comment_and_its_words_without_the_writer(discussion, settings):
    settings.PRIVACY_ERASURE = "anonymise"

    assert services.erase("ada@example.org") == {"comments": 3, "follows": 0}

    for comment in (discussion.thread, discussion.answer, discussion.alone):
        comment.refresh_from_db()
        assert (comment.author_name, comment.author_email, comment.ip_address, comment.user_agent) == (
            ANONYMOUS,
            "",
            None,
            "",
        )
        assert comment.notify_replies is False
        assert comment.status == Comment.Status.APPROVED
        comment.full_clean()  # an anonymised row is a valid comment (an empty email is allowed)
    discussion.thread.refresh_from_db()
    assert discussion.thread.body == "The choir!"
    ben = Comment.objects.get(pk=discussion.ben.pk)
    assert (ben.author_name, ben.author_email, ben.parent_id) == ("Ben", "ben@example.org", discussion.thread.pk)
    assert services.personal_data("ada@example.org") == {"comments": [], "follows": []}


def test_deleting_removes_unanswered_comments_and_leaves_a_placeholder_where_others_replied(discussion, settings):
    settings.PRIVACY_ERASURE = "delete"

    assert services.erase("ada@example.org") == {"comments": 3, "follows": 0}

    # Ada's answer to Ben and her comment on Dune had no reply: gone. Her thread's first comment stays, hollow.
    assert not Comment.objects.filter(pk__in=[discussion.answer.pk, discussion.alone.pk]).exists()
    placeholder = Comment.objects.get(pk=discussion.thread.pk)
    assert (placeholder.body, placeholder.author_name, placeholder.author_email) == (DELETED, ANONYMOUS, "")
    assert DELETED in placeholder.body_html and "choir" not in placeholder.body_html
    assert placeholder.ip_address is None and placeholder.status == Comment.Status.APPROVED
    ben = Comment.objects.get(pk=discussion.ben.pk)
    assert (ben.parent_id, ben.thread_id, ben.depth) == (placeholder.pk, placeholder.pk, 1)
    counts = Comment.objects.discussion_counts(discussion.article)
    assert (counts.comments, counts.threads) == (2, 1)  # the placeholder and Ben's reply, in one thread


def test_a_placeholder_is_left_only_where_someone_else_still_replies(settings):
    settings.PRIVACY_ERASURE = "delete"
    top = CommentFactory(author_email="ada@example.org")
    own_reply = CommentFactory(parent=top, author_email="ada@example.org")
    CommentFactory(parent=own_reply, author_email="ada@example.org")

    assert services.erase("ada@example.org") == {"comments": 3, "follows": 0}

    assert not Comment.objects.exists()  # her own replies went first, and then nobody had replied to her


def test_the_page_shows_the_thread_with_the_placeholder_and_the_replies(discussion, client, settings):
    settings.PRIVACY_ERASURE = "delete"
    services.erase("ada@example.org")

    page = client.get(discussion.article.get_absolute_url()).content.decode()

    assert DELETED in page and "Yes, the choir." in page
    assert "The choir!" not in page and "Glad you agree." not in page and "ada@example.org" not in page


@pytest.mark.parametrize("mode", ["anonymise", "delete"])
def test_erasing_moves_the_discussion_stamps_of_the_articles_it_touched(discussion, settings, mode):
    from django.core.cache import cache

    settings.PRIVACY_ERASURE = mode
    touched = [discussion_key(discussion.article.pk), discussion_key(discussion.alone.article_id)]
    before = cache.get_many(touched)
    other = CommentFactory()
    untouched = cache.get(discussion_key(other.article_id))

    services.erase("ada@example.org")

    after = cache.get_many(touched)
    assert set(after) == set(touched) and all(after[key] > before.get(key, 0) for key in touched)
    assert cache.get(discussion_key(other.article_id)) == untouched


def test_erasure_leaves_others_reports_and_history_of_the_comments_consistent(discussion, settings):
    settings.PRIVACY_ERASURE = "delete"
    CommentReportFactory(comment=discussion.alone)
    ModerationEvent.objects.create(comment=discussion.thread, rule="test", to_status="approved")

    services.erase("ada@example.org")

    assert not CommentReport.objects.exists()  # the reported comment is gone, and its reports with it
    assert ModerationEvent.objects.filter(comment=discussion.thread).exists()


def test_an_empty_address_erases_nothing(discussion, settings):
    settings.PRIVACY_ERASURE = "anonymise"
    services.erase("ada@example.org")

    assert services.erase("") == {"comments": 0, "follows": 0}
    assert services.erase("  ") == {"comments": 0, "follows": 0}
    assert Comment.objects.count() == 4


def test_erasing_an_address_the_site_does_not_know_changes_nothing(discussion):
    assert services.erase("nobody@example.org") == {"comments": 0, "follows": 0}
    assert Comment.objects.filter(author_name="Ada").count() == 3


def test_erasing_forgets_what_the_address_was_emailed_about_replies(discussion):
    ReplyNotice.objects.create(recipient="ada@example.org", thread=discussion.thread, sent_at=timezone.now())
    ReplyNotice.objects.create(recipient="ben@example.org", thread=discussion.thread, sent_at=timezone.now())

    services.erase("Ada@example.org")

    assert list(ReplyNotice.objects.values_list("recipient", flat=True)) == ["ben@example.org"]

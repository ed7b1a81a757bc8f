"""The discussion's questions: what readers see, what waits, and the counts an article page shows."""

import pytest

from comments.models import Comment
from tests.utils.factories import ArticleFactory, CommentFactory, FeaturedTrackFactory

pytestmark = pytest.mark.django_db

PENDING, APPROVED = Comment.Status.PENDING, Comment.Status.APPROVED
REJECTED, SPAM = Comment.Status.REJECTED, Comment.Status.SPAM


@pytest.fixture
def article():
    return ArticleFactory()


class TestDiscussionCounts:
    def test_an_article_without_comments_counts_nothing(self, article):
        counts = Comment.objects.discussion_counts(article)

        assert (counts.comments, counts.threads, counts.favourite_tracks) == (0, 0, {})

    def test_comments_and_threads_count_approved_comments_of_the_article_only(self, article):
        first = CommentFactory(article=article)
        second = CommentFactory(article=article)
        reply = CommentFactory(parent=first)
        CommentFactory(parent=reply)
        CommentFactory(parent=second)
        for status in (PENDING, REJECTED, SPAM):
            CommentFactory(article=article, status=status)
            CommentFactory(parent=first, status=status)
        CommentFactory(article=ArticleFactory())

        counts = Comment.objects.discussion_counts(article)

        assert (counts.comments, counts.threads) == (5, 2)

    def test_the_favourite_track_tally_counts_approved_picks_per_track(self, article):
        theme, finale, unpicked = (FeaturedTrackFactory(article=article) for _ in range(3))
        top = CommentFactory(article=article, favourite_track=theme)
        CommentFactory(parent=top, favourite_track=theme)
        CommentFactory(article=article, favourite_track=theme)
        CommentFactory(article=article, favourite_track=finale)
        CommentFactory(article=article)
        for status in (PENDING, REJECTED, SPAM):
            CommentFactory(article=article, favourite_track=finale, status=status)

        counts = Comment.objects.discussion_counts(article)

        assert counts.favourite_tracks == {theme.pk: 3, finale.pk: 1}
        assert unpicked.pk not in counts.favourite_tracks
        assert (counts.comments, counts.threads) == (5, 4)

    def test_picks_on_another_article_are_not_counted(self, article):
        theme = FeaturedTrackFactory(article=article)
        other = ArticleFactory()
        CommentFactory(article=other, favourite_track=FeaturedTrackFactory(article=other))

        assert Comment.objects.discussion_counts(article).favourite_tracks == {}
        CommentFactory(article=article, favourite_track=theme)
        assert Comment.objects.discussion_counts(article).favourite_tracks == {theme.pk: 1}

    def test_the_counts_take_one_query_however_many_comments(self, article, django_assert_num_queries):
        tracks = [FeaturedTrackFactory(article=article) for _ in range(4)]
        for n in range(40):
            top = CommentFactory(article=article, favourite_track=tracks[n % 4])
            CommentFactory(parent=top)

        with django_assert_num_queries(1):
            counts = Comment.objects.discussion_counts(article)

        assert (counts.comments, counts.threads) == (80, 40)
        assert counts.favourite_tracks == {track.pk: 10 for track in tracks}


class TestQuestions:
    def test_readers_see_approved_comments_and_moderators_the_pending_ones(self, article):
        comments = {status: CommentFactory(article=article, status=status) for status in Comment.Status}

        assert list(Comment.objects.approved()) == [comments[APPROVED]]
        assert list(Comment.objects.in_moderation()) == [comments[PENDING]]

    def test_reported_comments_have_at_least_one_report(self, article):
        CommentFactory(article=article)
        reported = CommentFactory(article=article, report_count=1)

        assert list(Comment.objects.reported()) == [reported]

    def test_for_article_keeps_one_articles_comments(self, article):
        mine = CommentFactory(article=article)
        CommentFactory(article=ArticleFactory())

        assert list(Comment.objects.for_article(article)) == [mine]


def test_replies_in_a_thread_whose_first_comment_was_rejected_are_not_counted():
    article = ArticleFactory()
    root = CommentFactory(article=article)
    CommentFactory(article=article, parent=root)
    CommentFactory(article=article, parent=root)
    Comment.objects.filter(pk=root.pk).update(status=Comment.Status.REJECTED)

    counts = Comment.objects.discussion_counts(article)

    assert (counts.comments, counts.threads) == (0, 0)

"""Comment cards are rendered once and cached; whatever changes a card shows, readers see the change at once."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Track
from comments import services
from comments.cards import CommentList
from comments.models import Comment
from pagecache.stamps import catalogue_changed
from tests.utils.discussion import article_page, author, bodies, comment_body, comment_item, discussion, reply_links
from tests.utils.factories import ArticleFactory, CommentFactory, FeaturedTrackFactory, moderator
from tests.utils.html import get_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory()


def test_a_page_view_caches_each_card_and_the_next_view_serves_it(article):
    comment = CommentFactory(article=article, body="The *oboe* line.")
    key = CommentList([], page=1, comments_open=True).card_key(comment)
    assert cache.get(key) is None

    article_page(article)

    assert "<em>oboe</em>" in cache.get(key)
    # What the next view shows comes from the cache: a marker put there appears on the page.
    cache.set(key, cache.get(key).replace("The ", "Cached: "))
    catalogue_changed()  # the whole list is cached too: a new version makes it be put together again, from the cards
    assert bodies(article_page(article)) == ["Cached: oboe line."]


def test_an_edited_comment_shows_its_new_text_at_once(article):
    email = "known@example.com"
    CommentFactory(article=article, author_email=email, body="Earlier.", created_at=timezone.now() - timedelta(days=1))
    comment = CommentFactory(article=article, author_email=email, body="First thought.")
    assert bodies(article_page(article)) == ["Earlier.", "First thought."]

    services.edit_comment(comment, body="Second thought.", favourite_track=None)

    assert comment.status == Comment.Status.APPROVED
    page = article_page(article)
    assert bodies(page) == ["Earlier.", "Second thought."]
    assert comment_item(page, comment).find("span", class_="comment-edited").text == "(edited)"


def test_a_rejected_comment_disappears_at_once(article):
    CommentFactory(article=article, body="Kept.")
    rejected = CommentFactory(article=article, body="Rejected.")
    assert bodies(article_page(article)) == ["Kept.", "Rejected."]

    services.moderate(Comment.objects.filter(pk=rejected.pk), to_status=Comment.Status.REJECTED, actor=moderator())

    assert bodies(article_page(article)) == ["Kept."]
    assert discussion(article_page(article)) == [("Kept.", [])]


def test_a_row_changed_behind_the_applications_back_is_shown_as_it_now_is(article):
    comment = CommentFactory(article=article, body="Before.")
    article_page(article)

    Comment.objects.filter(pk=comment.pk).update(body_html="<p>After.</p>", author_name="Renamed")
    catalogue_changed()  # what a deploy or any later change does: the page's list is cached under that version

    item = comment_item(article_page(article), comment)
    assert comment_body(item).text == "After."
    assert author(item).text == "Renamed"


def test_a_renamed_track_shows_in_the_cards_that_picked_it(article):
    featured = FeaturedTrackFactory(article=article)
    comment = CommentFactory(article=article, favourite_track=featured)
    article_page(article)

    Track.objects.filter(pk=featured.track_id).update(title="Renamed theme")
    catalogue_changed()

    pick = comment_item(article_page(article), comment).find("p", class_="comment-pick")
    assert pick.text == "Track that stood out: Renamed theme"


def test_closing_comments_takes_the_reply_links_off_cached_cards(article):
    comment = CommentFactory(article=article)
    assert len(reply_links(comment_item(article_page(article), comment))) == 1

    article.comments_open = False
    article.save()

    assert reply_links(comment_item(article_page(article), comment)) == []


def test_a_thread_moving_to_another_page_replies_from_that_page(article, settings):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    first, second = CommentFactory(article=article), CommentFactory(article=article)
    (link,) = reply_links(comment_item(get_page(Client(), article.get_absolute_url() + "?comments=2"), second))
    assert link.attrs["href"] == f"?comments=2&reply_to={second.pk}#comment-form"

    Comment.objects.filter(pk=first.pk).update(status=Comment.Status.REJECTED)

    (link,) = reply_links(comment_item(article_page(article), second))
    assert link.attrs["href"] == f"?reply_to={second.pk}#comment-form"  # page 1 is the one without ?comments


def test_the_poster_never_gets_a_strangers_cached_card_nor_a_stranger_the_posters(article, own_client):
    comment = CommentFactory(article=article)
    edit_url = reverse("comments:edit", args=[comment.pk])
    report_url = reverse("comments:report", args=[comment.pk])

    stranger_first = comment_item(article_page(article), comment)
    poster = comment_item(article_page(article, own_client(comment)), comment)
    stranger_after = comment_item(article_page(article), comment)

    assert [link.attrs["href"] for link in poster.find_all("a", href=report_url)] == []
    assert len(poster.find_all("a", href=edit_url)) == 1
    for item in (stranger_first, stranger_after):
        assert item.find_all("a", href=edit_url) == []
        assert len(item.find_all("a", href=report_url)) == 1


def test_the_page_renders_the_same_without_a_cache(article, settings):
    top = CommentFactory(article=article, body="Top.")
    CommentFactory(parent=top, body="Reply.")
    with_cache = article_page(article)

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

    assert discussion(article_page(article)) == discussion(with_cache) == [("Top.", [("Reply.", [])])]

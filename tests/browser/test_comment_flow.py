import pytest
from django.contrib.auth.models import Group

from comments.models import Comment, ModerationEvent
from tests.utils.browser import log_in
from tests.utils.factories import ArticleFactory, FeaturedTrackFactory, SectionFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def article(data_from_migrations):  # the Moderators group
    article = ArticleFactory(title="Why The Glass Orchard's score matters")
    SectionFactory(article=article, heading="The emotional depth", body="Listen closely.")
    FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work, title="Harvest of Light"))
    return article


def test_a_reader_posts_a_moderator_approves_and_the_comment_appears(
    live_server, new_page, screenshot, article, settings
):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # a robot-fast browser is the point of this test
    moderator = UserFactory(username="mod", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    article_url = live_server.url + article.get_absolute_url()

    reader = new_page()
    reader.goto(article_url)
    reader.get_by_label("Name").fill("Ada Reader")
    reader.get_by_label("Email", exact=True).fill("ada@example.com")
    reader.get_by_label("Comment", exact=True).fill("The *choir* in Harvest of Light! ||The ending|| got me.")
    reader.get_by_label("Which track stood out to you?").select_option(label="Harvest of Light")
    reader.get_by_role("button", name="Post comment").click()
    reader.wait_for_url(f"**{article.get_absolute_url()}#comment-*")
    assert "awaiting moderation" in reader.locator(".messages").inner_text()
    assert reader.locator(".comment-pending .comment-status").get_by_text("Awaiting moderation").is_visible()
    screenshot(reader, "comment-1-reader-awaiting-moderation")

    stranger = new_page()
    stranger.goto(article_url)
    assert stranger.locator("li[id^='comment-']").count() == 0

    admin = new_page()
    log_in(admin, live_server.url + "/admin/comments/comment/", "mod")
    row = admin.locator("#result_list tbody tr", has_text="Ada Reader")
    row.locator("input.action-select").check()
    admin.locator("select[name=action]").select_option(label="Approve selected comments")
    admin.get_by_role("button", name="Run").click()
    assert "1 comment approved" in admin.locator(".messagelist").inner_text()
    screenshot(admin, "comment-2-moderator-approved")

    stranger.reload()
    comment = stranger.locator("li[id^='comment-']", has_text="Ada Reader")
    assert comment.count() == 1
    assert comment.locator("em").inner_text() == "choir"
    assert stranger.locator("#comments-heading").inner_text() == "1 comment"

    spoiler = comment.locator(".spoiler-text")
    assert not spoiler.is_visible()
    comment.locator("label.spoiler").click()
    assert spoiler.is_visible() and spoiler.inner_text() == "The ending"
    screenshot(stranger, "comment-3-reader-sees-approved-comment")

    saved = Comment.objects.get()
    assert saved.status == Comment.Status.APPROVED
    assert saved.favourite_track.track.title == "Harvest of Light"
    assert ModerationEvent.objects.filter(comment=saved, actor=moderator, to_status="approved").exists()

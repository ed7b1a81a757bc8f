"""The admin home as an editor and as a moderator meet it, the articles list's titles at full length, and an
author's page: in Chromium, at a desktop's width and a phone's, with axe-core on each screen."""

from datetime import timedelta

import pytest
import reversion
from django.utils import timezone

from articles.models import Article, Author
from comments.models import Comment
from tests.utils.browser import assert_accessible, log_in
from tests.utils.factories import ArticleFactory, CommentFactory, editor, moderator

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
LONG_TITLE = "Why The Glass Orchard’s Soundtrack Deserves Far More Recognition Than It Has Ever Received"


@pytest.fixture
def newsroom(data_from_migrations):
    ada = editor(username="countess42", first_name="Ada", last_name="Lovelace")
    Author.objects.create(user=ada, display_name="Ada L.", bio="Writes about *scores* that deserve a second listen.")
    ArticleFactory(title=LONG_TITLE, status=Article.Status.DRAFT, publish_at=None, author=ada)
    ArticleFactory(title="The choir in Arrival, heard again", status=Article.Status.DRAFT, publish_at=None, author=ada)
    ArticleFactory(
        title="Hollow Knight’s quiet rooms",
        status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(days=3),
        author=ada,
    )
    published = ArticleFactory(title="Journey, and the cello that answers", author=ada)
    with reversion.create_revision():
        reversion.set_user(ada)
        reversion.set_comment("Changed Standfirst.")
        reversion.add_to_revision(published)
    for n, name in enumerate(["Bea", "Caio", "Dana"]):
        CommentFactory(
            article=published,
            author_name=name,
            body=f"Comment {n}: the cello in the last scene is the best thing in the score, and it is barely there.",
            status=Comment.Status.PENDING,
        )
    moderator(username="mo")
    return published


def open_home(new_page, live_server, username: str, size: str):
    page = new_page()
    page.set_viewport_size(SIZES[size])
    log_in(page, live_server.url + "/admin/", username)
    page.wait_for_selector(".dashboard")
    return page


@pytest.mark.parametrize("size", SIZES)
def test_an_editor_finds_their_drafts_what_is_coming_up_and_their_recent_edits(
    live_server, new_page, screenshot, newsroom, size
):
    page = open_home(new_page, live_server, "countess42", size)

    drafts = page.locator("#your-drafts")
    assert drafts.get_by_role("link", name=LONG_TITLE).is_visible()
    assert "Hollow Knight’s quiet rooms" in page.locator("#coming-up").inner_text()
    edits = page.locator("#your-recent-edits")
    assert edits.get_by_role("link", name="Journey, and the cello that answers", exact=True).is_visible()
    assert page.locator("#awaiting-moderation").count() == 0
    assert page.locator("caption", has_text="Tags").count() == 1
    assert "Taggit" not in page.locator("#content-main").inner_text()
    assert_accessible(page)
    screenshot(page, f"admin-home-editor-{size}")

    drafts.get_by_role("link", name=LONG_TITLE).click()
    page.wait_for_url("**/change/")
    assert page.get_by_label("Title:").input_value() == LONG_TITLE


@pytest.mark.parametrize("size", SIZES)
def test_a_moderator_sees_the_comments_waiting_and_reaches_the_queue(live_server, new_page, screenshot, newsroom, size):
    page = open_home(new_page, live_server, "mo", size)

    waiting = page.locator("#awaiting-moderation")
    assert waiting.locator(".pending-comments").inner_text() == "3 comments awaiting moderation"
    assert waiting.locator(".dashboard-list li").count() == 3
    assert page.locator("#your-drafts").count() == 0
    assert page.locator("#coming-up").count() == 0
    assert_accessible(page)
    screenshot(page, f"admin-home-moderator-{size}")

    waiting.get_by_role("link", name="3 comments awaiting moderation").click()
    page.wait_for_url("**/admin/comments/comment/?status__exact=pending")
    assert page.get_by_text("Comment 0: the cello").count() >= 1


def test_the_articles_list_shows_whole_titles_at_a_desktops_width(live_server, new_page, screenshot, newsroom):
    page = open_home(new_page, live_server, "countess42", "1280")
    page.goto(live_server.url + "/admin/articles/article/")

    cell = page.locator("th.field-title", has_text=LONG_TITLE)
    assert cell.inner_text() == LONG_TITLE
    # Every column on the screen (the list does not scroll sideways), and the long title on two lines at most.
    results = page.locator("#changelist .results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert page.locator("thead th.column-last_saved").is_visible()
    line_height = cell.locator("a").evaluate("el => parseFloat(getComputedStyle(el).lineHeight) || 16")
    assert cell.locator("a").evaluate("el => el.getBoundingClientRect().height") <= 2 * line_height + 2
    assert_accessible(page)
    screenshot(page, "admin-articles-list-1280")


@pytest.mark.parametrize("size", SIZES)
def test_an_authors_page_lists_their_articles_by_their_chosen_name(live_server, new_page, screenshot, newsroom, size):
    page = new_page()
    page.set_viewport_size(SIZES[size])
    page.goto(live_server.url + newsroom.get_absolute_url())
    page.get_by_role("link", name="Ada L.").click()

    page.wait_for_url("**/authors/ada-l/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ada L."
    assert page.get_by_role("link", name="Journey, and the cello that answers").is_visible()
    assert "countess42" not in page.content()
    assert_accessible(page)
    screenshot(page, f"author-page-{size}")

"""A member of staff signed in reads an article from the shared page cache, in Chromium: the comment form carries
their name, email and CSRF token, offers no browser memory (the account gives the name), and takes their post."""

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from tests.utils.browser import assert_accessible, log_in
from tests.utils.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.page_cache]


def test_a_signed_in_editor_posts_from_the_shared_article_page(live_server, browser):
    article = ArticleFactory()
    editor = UserFactory(is_staff=True, first_name="Ada", last_name="Byron", email="ada@example.com")
    anonymous = browser.new_context()
    assert anonymous.new_page().goto(live_server.url + article.get_absolute_url()).headers["x-page-cache"] == "miss"
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server.url + "/admin/", editor.username)
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()

    with time_machine.travel(timezone.now(), tick=True) as clock:
        response = page.goto(live_server.url + article.get_absolute_url())
        assert response.headers["x-page-cache"] == "hit"
        form = page.locator("#comment-form")
        expect(form.get_by_label("Name")).to_have_value("Ada Byron")
        expect(form.get_by_label("Email", exact=True)).to_have_value("ada@example.com")
        expect(form.get_by_role("checkbox", name="Remember me in this browser")).to_have_count(0)
        expect(page.get_by_role("link", name="Admin")).to_be_visible()
        assert_accessible(page)

        form.get_by_label("Comment", exact=True).fill("Written while signed in.")
        clock.shift(20)  # a person takes their time
        form.get_by_role("button", name="Post comment").click()
        page.wait_for_url("**#comment-*")

    comment = Comment.objects.get(body__startswith="Written while signed in")
    assert (comment.user, comment.author_name) == (editor, "Ada Byron")
    anonymous.close()
    context.close()

"""Email confirmation in a browser without JavaScript: post, read the link in the mail, confirm with the button."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.utils.factories import ArticleFactory
from tests.utils.mail import text_of

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"http://127\.0\.0\.1:8000(/comments/confirm/[^/\s]+/)")


def test_a_new_commenter_confirms_by_the_mailed_link_without_javascript(
    live_server, browser, screenshot, mail_server, settings
):
    settings.COMMENTS_CONFIRM_EMAIL = "new"
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # a robot-fast browser is the point of this test
    article = ArticleFactory(title="Why The Glass Orchard's score matters")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1100, "height": 900})
    try:
        reader = context.new_page()
        reader.goto(live_server.url + article.get_absolute_url())
        expect(reader.locator("#comment-form")).to_contain_text("First comment from this address?")
        reader.get_by_label("Name").fill("Ada Reader")
        reader.get_by_label("Email", exact=True).fill("ada@example.com")
        reader.get_by_label("Comment", exact=True).fill("The choir in the last episode!")
        reader.get_by_role("button", name="Post comment").click()

        expect(reader.locator(".messages")).to_contain_text("we sent a link to ada@example.com")
        expect(reader.locator(".comment-status")).to_contain_text("Confirm your email: we sent a link to ada@example")
        screenshot(reader, "confirm-1-waiting")

        (message,) = mail_server.emails()
        (path,) = set(LINK.findall(text_of(message)))
        reader.goto(live_server.url + path)
        expect(reader.get_by_role("heading", level=1)).to_have_text("Confirm your comment")
        assert Comment.objects.get().status == Comment.Status.UNCONFIRMED  # opening the link changed nothing
        screenshot(reader, "confirm-2-link-opened")

        reader.get_by_role("button", name="Confirm my comment").click()
        expect(reader.locator(".comment-status")).to_contain_text("Awaiting moderation")
        assert Comment.objects.get().status == Comment.Status.PENDING
        screenshot(reader, "confirm-3-confirmed")
    finally:
        context.close()

"""Reply notices in Chromium: a reader comments with the box ticked, another replies, a moderator approves, the
notice reaches the local SMTP server, its one-click unsubscribe works, and the next approved reply sends nothing.
Screenshots in test-artifacts/screenshots/reply-notice-*.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from tests.utils.browser import assert_accessible, log_in
from tests.utils.factories import ArticleFactory, moderator
from tests.utils.mail import text_of

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = reverse("admin:comments_comment_changelist")


@pytest.fixture
def article(data_from_migrations):  # the Moderators group
    return ArticleFactory(title="Why The Glass Orchard's score matters")


def post_comment(page, *, name: str, email: str, body: str, notify: bool = False) -> None:
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Comment", exact=True).fill(body)
    if notify:
        page.get_by_label("Email me when someone replies").check()
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".messages")).to_contain_text("awaiting moderation")


def reply_to_ada(page, url: str, *, name: str, body: str) -> None:
    page.goto(url)
    page.get_by_role("link", name="Reply to Ada", exact=True).click()
    expect(page.locator("#comment-form")).to_contain_text("Reply to Ada")
    post_comment(page, name=name, email=f"{name.lower()}@example.com", body=body)


def approve_in_the_queue(queue, name: str) -> None:
    queue.reload()
    queue.locator("#result_list tbody tr", has_text=name).get_by_role("button", name="Approve").click()
    expect(queue.locator(".messagelist")).to_have_text(f"The comment by {name} is approved.")


def notices_to(mail_server, address: str) -> list:
    return [message for message in mail_server.emails() if message["To"] == address]


def test_a_reader_hears_of_an_approved_reply_and_leaves_the_thread_in_one_click(
    live_server, new_page, screenshot, article, settings, mail_server
):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # a robot-fast browser is the point of this test
    settings.SITE_URL = live_server.url  # the links in the email lead to this server
    moderator(username="mod")
    article_url = live_server.url + article.get_absolute_url()

    ada = new_page()
    ada.goto(article_url)
    box = ada.get_by_label("Email me when someone replies")
    expect(box).not_to_be_checked()
    assert_accessible(ada)
    post_comment(ada, name="Ada", email="ada@example.com", body="The choir in the finale!", notify=True)
    screenshot(ada, "reply-notice-1-comment-with-the-box-ticked")
    assert Comment.objects.get(author_name="Ada").notify_replies

    queue = new_page()
    log_in(queue, live_server.url + QUEUE + "?status__exact=pending", "mod")
    expect(queue.locator("#result_list")).to_be_visible()  # signed in, on the queue: a reload now reloads it
    approve_in_the_queue(queue, "Ada")

    ben = new_page()
    reply_to_ada(ben, article_url, name="Ben", body="It comes back in the *last* cue.")
    assert notices_to(mail_server, "ada@example.com") == []  # waiting replies are not told
    approve_in_the_queue(queue, "Ben")

    [notice] = notices_to(mail_server, "ada@example.com")
    assert "Ben wrote:" in text_of(notice) and "It comes back in the last cue." in text_of(notice)
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = notice["List-Unsubscribe"].strip("<>")
    assert f"Unsubscribe: {link}" in text_of(notice)

    ada.goto(link)  # the visible link: a page that asks first
    expect(ada.get_by_role("button", name="Unsubscribe", exact=True)).to_be_visible()
    assert Comment.objects.get(author_name="Ada").notify_replies
    screenshot(ada, "reply-notice-2-unsubscribe-page")
    # The mail client's one-click POST (RFC 8058): no page before it, no CSRF token.
    answer = ada.request.post(link, form={"List-Unsubscribe": "One-Click"})
    assert answer.status == 200
    assert not Comment.objects.get(author_name="Ada").notify_replies

    cy = new_page()
    reply_to_ada(cy, article_url, name="Cy", body="And in the credits.")
    approve_in_the_queue(queue, "Cy")
    ada.goto(article_url)
    cys = Comment.objects.get(author_name="Cy")
    expect(ada.locator(f"#{cys.anchor}")).to_contain_text("And in the credits.")  # approved: on the page
    assert len(notices_to(mail_server, "ada@example.com")) == 1

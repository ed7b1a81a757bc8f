"""The moderation queue in Chromium: a reader's comment waits, a moderator sees it as readers will and why it was
held, approves it with one click, replies to another; with and without JavaScript, at a desktop's and a phone's
width. Screenshots in test-artifacts/screenshots/queue-*.png."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment, ModerationEvent
from tests.utils.browser import PASSWORD, assert_accessible, log_in
from tests.utils.factories import (
    ArticleFactory,
    CommentFactory,
    CommentReportFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    moderator,
)

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
QUEUE = reverse("admin:comments_comment_changelist")


@pytest.fixture
def article(data_from_migrations):  # the Moderators group
    article = ArticleFactory(title="Why The Glass Orchard's score matters")
    SectionFactory(article=article, heading="The emotional depth", body="Listen closely.")
    FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work, title="Harvest of Light"))
    return article


def at_both_sizes(page, screenshot, name: str) -> None:
    """Check the page with axe-core and take its screenshot at a desktop's width, then at a phone's."""
    for size, suffix in ((DESKTOP, "1280"), (PHONE, "390")):
        page.set_viewport_size(size)
        assert_accessible(page)
        screenshot(page, f"{name}-{suffix}")
    page.set_viewport_size(DESKTOP)


def assert_no_sideways_scrolling(page) -> None:
    """Every column is in view: neither the page nor the results table scrolls sideways."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.viewport_size
    assert page.evaluate(
        "(() => { const r = document.querySelector('.results'); return r.scrollWidth <= r.clientWidth })()"
    )


def test_a_moderator_approves_a_readers_comment_with_one_click_and_the_reader_sees_it(
    live_server, new_page, screenshot, article, settings
):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # a robot-fast browser is the point of this test
    bea = CommentFactory(article=article, author_name="Bea", body="Approved a while ago.")
    held = [
        CommentFactory(
            article=article,
            author_name="Ben Okafor",
            body="Sheet music: https://example.com/a, https://example.org/b and https://example.net/c",
            status=Comment.Status.PENDING,
        ),
        CommentFactory(
            parent=bea, author_name="Cy", body="> Approved a while ago.\n\nAnd still true.", status="pending"
        ),
    ]
    held[0].events.create(rule="too_many_links", to_status="pending", reason="3 links (more than 2).")
    held[1].events.create(rule="first_comment", to_status="pending", reason="A first comment from this email.")
    moderator(username="mod", first_name="Mo", last_name="Derator")
    article_url = live_server.url + article.get_absolute_url()

    reader = new_page()
    reader.goto(article_url)
    reader.get_by_label("Name").fill("Ada Reader")
    reader.get_by_label("Email", exact=True).fill("ada@example.com")
    reader.get_by_label("Comment", exact=True).fill("The *choir* in Harvest of Light! ||The ending|| got me.")
    reader.get_by_role("button", name="Post comment").click()
    reader.wait_for_url(f"**{article.get_absolute_url()}#comment-*")
    expect(reader.locator(".messages")).to_contain_text("awaiting moderation")

    page = new_page()
    log_in(page, live_server.url + QUEUE, "mod")
    tabs = page.get_by_role("navigation", name="Comments by status")
    expect(tabs.locator("[aria-current=page]")).to_have_text("Pending 3")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)  # what waits, and nothing else
    row = rows.filter(has_text="Ada Reader")
    expect(row.locator(".comment-body em")).to_have_text("choir")
    expect(row.locator(".comment-body .spoiler")).to_be_visible()  # shown to the moderator, marked as a spoiler
    expect(row.locator(".comment-body .spoiler-text")).to_have_text("The ending")
    expect(row.locator(".why")).to_have_text("First comment: A first comment from this email waits for review.")
    expect(row.locator("td.field-public_article_link")).to_contain_text(article.title)
    at_both_sizes(page, screenshot, "queue-pending")
    for size in (DESKTOP, {"width": 1024, "height": 768}, PHONE):
        page.set_viewport_size(size)
        assert_no_sideways_scrolling(page)
    page.set_viewport_size(DESKTOP)

    row.get_by_role("button", name="Approve").click()

    expect(page.locator(".messagelist")).to_have_text("The comment by Ada Reader is approved.")
    assert page.url == live_server.url + QUEUE  # the same queue page, on the same tab
    expect(tabs.locator("[aria-current=page]")).to_have_text("Pending 2")
    expect(rows).to_have_count(2)
    screenshot(page, "queue-after-one-click-approval-1280")

    reader.reload()
    comment = reader.locator("li[id^='comment-']", has_text="Ada Reader")
    expect(comment.locator("em")).to_have_text("choir")
    expect(comment).not_to_contain_text("Awaiting moderation")
    anonymous = new_page()
    anonymous.goto(article_url)
    expect(anonymous.locator("li[id^='comment-']", has_text="Ada Reader")).to_have_count(1)
    saved = Comment.objects.get(author_name="Ada Reader")
    assert saved.status == Comment.Status.APPROVED
    assert ModerationEvent.objects.filter(comment=saved, actor__username="mod", to_status="approved").exists()


def test_a_moderator_replies_from_the_queue_and_the_reply_approves_the_comment(
    live_server, new_page, screenshot, article
):
    waiting = CommentFactory(
        article=article, author_name="Cara", body="Is the **choir** sampled?", status=Comment.Status.PENDING
    )
    waiting.events.create(rule="first_comment", to_status="pending", reason="A first comment from this email.")
    moderator(username="mod", first_name="Mo", last_name="Derator")

    page = new_page()
    log_in(page, live_server.url + QUEUE + "?status__exact=pending", "mod")
    page.locator("#result_list tbody tr", has_text="Cara").get_by_role("button", name="Reply").click()
    expect(page.get_by_role("heading", name="Cara wrote")).to_be_visible()
    expect(page.locator(".reply-approves")).to_contain_text("posting your reply approves it")
    at_both_sizes(page, screenshot, "queue-reply")

    page.get_by_label("Your reply").fill("   ")
    page.get_by_role("button", name="Approve and post reply").click()
    expect(page.locator(".errorlist")).to_contain_text("This field is required")
    assert_accessible(page)
    page.get_by_label("Your reply").fill("A live choir, recorded in *one* take.")
    page.get_by_role("button", name="Approve and post reply").click()

    expect(page.locator(".messagelist")).to_contain_text("Your reply to Cara is published.")
    assert page.url == live_server.url + QUEUE + "?status__exact=pending"
    reader = new_page()
    reader.goto(live_server.url + article.get_absolute_url())
    thread = reader.locator("li[id^='comment-']", has_text="Cara").first
    expect(thread.locator("li[id^='comment-']", has_text="Mo Derator")).to_contain_text(
        "A live choir, recorded in one take."
    )


def test_the_comment_change_form_passes_axe(live_server, new_page, screenshot, article):
    comment = CommentFactory(article=article, body="The ||last chord|| got me.", status=Comment.Status.PENDING)
    CommentReportFactory(comment=comment, note="It gives the ending away.")
    comment.events.create(
        rule="reports", from_status="approved", to_status="pending", reason="Reported from 3 addresses."
    )
    moderator(username="mod")

    page = new_page()
    log_in(page, live_server.url + reverse("admin:comments_comment_change", args=[comment.pk]), "mod")
    expect(page.locator(".comment-body .spoiler")).to_be_visible()
    at_both_sizes(page, screenshot, "queue-change-form")


def test_one_click_decisions_work_without_javascript(live_server, browser, screenshot, article):
    CommentFactory(article=article, author_name="Dev", body="Buy cheap watches.", status=Comment.Status.PENDING)
    moderator(username="mod")
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(live_server.url + QUEUE)
        page.get_by_label("Username").fill("mod")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.locator("#result_list tbody tr", has_text="Dev").get_by_role("button", name="Spam").focus()
        page.keyboard.press("Enter")  # by keyboard

        expect(page.locator(".messagelist")).to_have_text("The comment by Dev is marked as spam.")
        assert Comment.objects.get(author_name="Dev").status == Comment.Status.SPAM
    finally:
        context.close()

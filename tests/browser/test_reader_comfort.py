"""A reader's comforts, in Chromium at a desktop's 1280×900 and a phone's 390×844: replying right under a comment,
the thanks shown beside the reply, a name and email this browser remembers, a quick post asked again rather than
filed as spam, spoilers and listening links in featured tracks, and the search page (on SQLite or PostgreSQL,
whichever the suite runs on). Screenshots: test-artifacts/screenshots/reader-*.png."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from tests.utils.browser import assert_accessible
from tests.utils.factories import (
    ArticleFactory,
    CommentFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    TrackFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
KNOWN_EMAIL = "cara@example.com"


@pytest.fixture(params=SIZES, ids=SIZES)
def size(request) -> str:
    return request.param


@pytest.fixture
def open_page(browser, size):
    """Pages in fresh browser contexts of the size under test (a phone's with touch), closed at the end."""
    contexts = []

    def open_page():
        phone = size == "phone"
        context = browser.new_context(viewport=SIZES[size], has_touch=phone, is_mobile=phone)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def running_clock():
    """The server's clock runs, and a test moves it on where a person would take their time."""
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        yield traveller


@pytest.fixture
def article():
    work = WorkFactory(title="The Glass Orchard", year=2019)
    article = ArticleFactory(title="Why The Glass Orchard's score matters", work=work)
    article.composers.add(ComposerFactory(name="Mira Holt"))
    FeaturedTrackFactory(
        article=article,
        track=TrackFactory(work=work, title="Harvest of Light"),
        note="The choir enters as ||the orchard burns||.",
        listening_url="https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
    )
    ada = CommentFactory(article=article, author_name="Ada", body="The ||last chord|| got me.")
    CommentFactory(parent=ada, author_name="Ben", body="Same here: *that* cello.")
    CommentFactory(article=article, author_name="Dev", body="Harvest of Light on repeat.")
    earlier = timezone.now() - timedelta(days=9)  # Cara is known: her next comment is published at once
    CommentFactory(article=article, author_name="Cara", author_email=KNOWN_EMAIL, created_at=earlier)
    return article


def test_a_reader_replies_under_the_comment_and_is_thanked_beside_the_reply(
    live_server, open_page, screenshot, article, size, running_clock
):
    ada = Comment.objects.get(author_name="Ada")
    page = open_page()
    page.goto(live_server.url + article.get_absolute_url())

    page.locator(f"#{ada.anchor}").get_by_role("link", name="Reply to Ada").first.click()

    form = page.locator(f"#{ada.anchor} > #comment-form")  # moved right under Ada's comment, before the replies
    expect(form.get_by_role("heading", name="Reply to Ada")).to_be_visible()
    expect(form.get_by_label("Comment", exact=True)).to_be_focused()
    expect(form.get_by_label("Which track stood out to you?")).to_be_hidden()
    expect(form.get_by_text("Have you listened to")).to_be_hidden()
    assert page.evaluate("location.search") == ""  # no page load
    assert_accessible(page)
    form.scroll_into_view_if_needed()
    screenshot(page, f"reader-inline-reply-open-{size}")

    form.get_by_label("Name").fill("Cara")
    form.get_by_label("Email", exact=True).fill(KNOWN_EMAIL)
    form.get_by_label("Comment", exact=True).fill("It resolves in the *finale*, doesn't it?")
    running_clock.shift(20)  # a person takes their time
    form.get_by_role("button", name="Post comment").click()

    page.wait_for_url("**#comment-*")
    reply = Comment.objects.get(body__startswith="It resolves")
    assert (reply.parent, reply.status) == (ada, Comment.Status.APPROVED)
    item = page.locator(f"#{ada.anchor} > ol > #{reply.anchor}")
    expect(item.locator(".comment-confirmation")).to_have_text("Thank you: your comment is published.")
    expect(item.locator(".comment-confirmation")).to_be_in_viewport()
    assert page.locator("body > div.wrap .messages").count() == 0  # not at the top of the page as well
    assert_accessible(page)
    screenshot(page, f"reader-reply-posted-{size}")

    # The next comment: the name and email come back from this browser; unticking forgets them.
    new_comment = page.locator("#comment-form")
    expect(new_comment.get_by_label("Name")).to_have_value("Cara")
    expect(new_comment.get_by_label("Email", exact=True)).to_have_value(KNOWN_EMAIL)
    remember = new_comment.get_by_role("checkbox", name="Remember me in this browser")
    expect(remember).to_be_checked()
    remember.uncheck()
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.locator("#comment-form").get_by_label("Name")).to_have_value("")
    expect(
        page.locator("#comment-form").get_by_role("checkbox", name="Remember me in this browser")
    ).not_to_be_checked()


def test_cancelling_a_reply_puts_the_form_back_as_a_new_comment(live_server, open_page, article):
    ada = Comment.objects.get(author_name="Ada")
    page = open_page()
    page.goto(live_server.url + article.get_absolute_url())
    page.locator(f"#{ada.anchor}").get_by_role("link", name="Reply to Ada").first.click()
    page.locator("#comment-form").get_by_label("Comment", exact=True).fill("Half a thought")

    page.get_by_role("button", name="Cancel the reply").click()

    form = page.locator("#comments > #comment-form")
    expect(form.get_by_role("heading", name="Share your thoughts")).to_be_visible()
    expect(form.get_by_label("Which track stood out to you?")).to_be_visible()
    expect(form.get_by_label("Comment", exact=True)).to_have_value("Half a thought")  # nothing typed is lost
    assert form.locator("input[name=parent]").input_value() == ""
    expect(page.locator(f"#{ada.anchor}").get_by_role("link", name="Reply to Ada").first).to_be_focused()


def test_a_post_at_once_comes_back_with_its_words_and_goes_through_when_posted_again(
    live_server, open_page, screenshot, article, size
):
    page = open_page()
    page.goto(live_server.url + article.get_absolute_url())
    page.get_by_label("Name").fill("Eli")
    page.get_by_label("Email", exact=True).fill("eli@example.com")
    page.get_by_label("Comment", exact=True).fill("Pasted from my notes: the harp!")

    page.get_by_role("button", name="Post comment").click()  # the instant the page loaded, as autofill does

    expect(page.locator("#comment-form .form-errors")).to_contain_text("press “Post comment” again")
    expect(page.get_by_label("Comment", exact=True)).to_have_value("Pasted from my notes: the harp!")
    assert not Comment.objects.filter(author_email="eli@example.com").exists()
    assert_accessible(page)
    screenshot(page, f"reader-quick-post-asked-again-{size}")

    page.get_by_role("button", name="Post comment").click()

    page.wait_for_url("**#comment-*")
    posted = Comment.objects.get(author_email="eli@example.com")
    assert posted.status == Comment.Status.PENDING
    expect(page.locator(f"#{posted.anchor} .comment-confirmation")).to_contain_text("awaiting moderation")


def test_a_track_notes_spoiler_says_what_it_is_and_opens_with_a_tap_and_the_link_names_its_service(
    live_server, open_page, article, size
):
    page = open_page()
    page.goto(live_server.url + article.get_absolute_url())
    track = page.locator(".featured-track", has_text="Harvest of Light")

    spoiler = track.locator("label.spoiler")  # its hint is drawn by the stylesheet; its text stays hidden
    hint = page.evaluate(
        "(el) => getComputedStyle(el.querySelector('.spoiler-text'), '::before').content", spoiler.element_handle()
    )
    assert "Spoiler" in hint
    expect(track.get_by_text("the orchard burns")).to_be_hidden()
    if size == "phone":
        spoiler.tap()
    else:
        spoiler.click()
    expect(track.get_by_text("the orchard burns")).to_be_visible()
    listen = track.get_by_role("link", name=re.compile(r"^Listen on Spotify\b.*“Harvest of Light”"))
    expect(listen).to_have_text("Listen on Spotify: “Harvest of Light”")  # the title for screen readers only
    expect(listen.get_by_text("Listen on Spotify")).to_be_visible()


def test_the_search_page_corrects_a_misspelling_and_lists_the_composers_and_works_it_names(
    live_server, open_page, screenshot, article, size
):
    ComposerFactory(name="Holt Brennan")  # a surname finds composers without articles too
    page = open_page()

    page.goto(live_server.url + reverse("articles:search", query={"q": "Glas Orchrd"}))

    expect(page.locator(".search-summary")).to_have_text(
        "No articles match “Glas Orchrd”. Showing 1 article for “glass orchard” instead."
    )
    names = page.get_by_role("region", name="Soundtrack")
    expect(names.get_by_role("link", name="The Glass Orchard (2019)")).to_be_visible()
    assert_accessible(page)
    screenshot(page, f"reader-search-{connection.vendor}-{size}")

    page.goto(live_server.url + reverse("articles:search", query={"q": "holt"}))
    composers = page.get_by_role("region", name="Composers")
    expect(composers.get_by_role("link")).to_have_text(["Holt Brennan", "Mira Holt"])
    composers.get_by_role("link", name="Mira Holt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mira Holt")

    page.goto(live_server.url + reverse("articles:search", query={"q": "bagpipes"}))
    tips = page.locator(".search-tips")
    expect(tips).to_contain_text("Slightly misspelt words are corrected")
    phrases = tips.get_by_text("Put a phrase in quotes")
    expect(phrases).to_have_count(1 if connection.vendor == "postgresql" else 0)
    assert_accessible(page)
    screenshot(page, f"reader-search-tips-{connection.vendor}-{size}")


def test_the_header_search_fits_the_screen(live_server, open_page, screenshot, article, size):
    page = open_page()
    page.goto(live_server.url + "/")

    header = page.locator(".site-header")
    search = header.get_by_role("search")
    expect(search.get_by_role("searchbox", name="Search articles")).to_be_visible()
    width = SIZES[size]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = search.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    screenshot(page, f"reader-header-{size}")


def test_the_report_form_asks_for_a_reason_and_picks_none(live_server, open_page, screenshot, article, size):
    ada = Comment.objects.get(author_name="Ada")
    page = open_page()
    page.goto(live_server.url + reverse("comments:report", args=[ada.pk]))

    reasons = page.get_by_role("group", name="What is wrong with it?")
    expect(reasons.get_by_role("radio")).to_have_count(4)
    for radio in reasons.get_by_role("radio").all():
        expect(radio).not_to_be_checked()
    assert_accessible(page)
    screenshot(page, f"reader-report-form-{size}")

    reasons.get_by_role("radio", name="Unmarked spoiler").check()
    page.get_by_role("button", name="Report this comment").click()
    expect(page.locator(".messages")).to_contain_text("the moderators will look at this comment")

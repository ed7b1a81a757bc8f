"""Every public page, and the comment form with and without errors, passes axe-core without a serious or critical
violation, in Chromium under the site's Content Security Policy."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from tests.utils.browser import assert_accessible
from tests.utils.factories import (
    ArticleFactory,
    CommentFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def article():
    work = WorkFactory(title="The Glass Orchard", year=2019)
    article = ArticleFactory(title="Why The Glass Orchard's score matters", work=work)
    article.composers.add(ComposerFactory(name="Mira Holt"))
    article.tags.add("Choral", "Strings")
    for heading in ("The emotional depth", "The main theme", "The ending"):
        SectionFactory(article=article, heading=heading)
    FeaturedTrackFactory(article=article, listening_url="https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC")
    ArticleFactory(title="Another orchard of sound", work=work)  # previous/next links and a two-result list
    first = CommentFactory(article=article, author_name="Ada", body="The ||last chord|| got me.")
    CommentFactory(parent=first, author_name="Ben", body="Same here: *that* cello.")
    return article


PAGES = {
    "home": lambda article: "/",
    "article": lambda article: article.get_absolute_url(),
    "tag": lambda article: reverse("articles:tag", kwargs={"slug": article.tags.get(name="Choral").slug}),
    "composer": lambda article: article.composers.get().get_absolute_url(),
    "work": lambda article: article.work.get_absolute_url(),
    "search-results": lambda article: reverse("articles:search") + "?q=orchard",
    "search-without-results": lambda article: reverse("articles:search") + "?q=bagpipes",
    "not-found": lambda article: reverse("articles:article", kwargs={"slug": "no-such-article"}),
    "privacy": lambda article: reverse("privacy:policy"),
    "privacy-request": lambda article: reverse("privacy:request"),
}


@pytest.mark.parametrize("name", PAGES)
def test_public_page_has_no_serious_accessibility_violation(live_server, new_page, screenshot, article, name):
    page = new_page()
    response = page.goto(live_server.url + PAGES[name](article))
    assert response.status == (404 if name == "not-found" else 200)
    if name == "search-results":
        assert page.locator(".search-result").count() == 2
    assert_accessible(page)
    screenshot(page, f"a11y-{name}")


def test_comment_form_with_a_reply_and_with_errors_has_no_serious_accessibility_violation(
    live_server, new_page, screenshot, article
):
    page = new_page()
    page.goto(live_server.url + article.get_absolute_url())
    ada = Comment.objects.get(author_name="Ada")
    ada_card = page.locator(f"#{ada.anchor}")
    # Each link is named through the writer's name on the card and words the page holds once.
    expect(ada_card.get_by_role("link", name="Report the comment by Ada", exact=True).first).to_be_visible()
    ada_card.get_by_role("link", name="Reply to Ada", exact=True).first.click()
    assert "Reply to Ada" in page.locator("#comment-form").inner_text()
    assert_accessible(page)

    page.get_by_label("Name").fill("   ")  # passes the browser's `required`, refused by the server
    page.get_by_label("Email", exact=True).fill("cara@example.com")
    page.get_by_label("Comment", exact=True).fill("I kept humming it for a week.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_label("Name")).to_have_accessible_description(re.compile("This field is required"))
    assert page.get_by_label("Comment", exact=True).input_value() == "I kept humming it for a week."
    assert_accessible(page)
    screenshot(page, "a11y-comment-form-with-errors")
    assert not Comment.objects.filter(author_email="cara@example.com").exists()

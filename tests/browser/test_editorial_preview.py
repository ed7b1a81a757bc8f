"""In a real browser under the site's Content Security Policy: the live Markdown preview beside a section's body,
and the Preview button opening the unsaved article in a new tab."""

import pytest

from articles.models import Article
from tests.utils.browser import log_in
from tests.utils.factories import ArticleFactory, SectionFactory, editor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def article(data_from_migrations):  # the Editors group
    article = ArticleFactory(title="Why Arrival's score deserves more", status=Article.Status.DRAFT, publish_at=None)
    SectionFactory(article=article, heading="The heptapod chorus", body="Voices *without* words.", position=1)
    return article


def test_typing_markdown_shows_its_rendering_beside_the_textarea_and_preview_opens_the_unsaved_page(
    live_server, new_page, screenshot, article
):
    editor(username="ada")
    page = new_page()
    blocked = []
    page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))
    log_in(page, f"{live_server.url}/admin/articles/article/{article.pk}/change/", "ada")

    page.locator("#sections-0 summary").click()  # the section opens from its folded summary
    body = page.locator("textarea[name='sections-0-body']")
    preview = page.locator(".markdown-preview-pair", has=body).locator(".markdown-preview")
    assert preview.locator("em").inner_text() == "without"  # rendered on load

    body.fill("")
    body.press_sequentially("A **bold** choice")
    preview.locator("strong").wait_for()
    assert preview.locator("strong").inner_text() == "bold"
    assert preview.inner_html().strip() == "<p>A <strong>bold</strong> choice</p>"
    screenshot(page, "editorial-1-live-markdown-preview")

    page.get_by_label("Title:").fill("Why Arrival's score deserves much more")
    with page.expect_popup() as popup:
        page.get_by_role("button", name="Preview", exact=True).first.click()
    tab = popup.value
    tab.wait_for_load_state()
    assert "Preview of unsaved changes." in tab.locator(".preview-banner").inner_text()
    assert tab.locator("h1").inner_text() == "Why Arrival's score deserves much more"
    assert tab.locator(".article-section strong").inner_text() == "bold"
    screenshot(tab, "editorial-2-preview-of-unsaved-changes")

    assert blocked == []
    article.refresh_from_db()
    assert article.title == "Why Arrival's score deserves more"
    assert article.sections.get().body == "Voices *without* words."

"""An editor turns the built-in template into a published article, in a real browser."""

import pytest

from articles.models import Article
from tests.utils.browser import choose_in_autocomplete, log_in
from tests.utils.factories import ComposerFactory, TrackFactory, WorkFactory, editor

pytestmark = pytest.mark.django_db(transaction=True)
TITLE = "Why Arrival’s Soundtrack Deserves More Recognition"


@pytest.fixture
def arrival(data_from_migrations):  # the Editors group and the built-in template
    work = WorkFactory(title="Arrival", year=2016)
    TrackFactory(work=work, position=1, title="Heptapod B")
    TrackFactory(work=work, position=2, title="On the Nature of Daylight")
    ComposerFactory(name="Jóhann Jóhannsson")
    return work


def test_an_editor_creates_fills_and_publishes_an_article_from_the_template(live_server, new_page, screenshot, arrival):
    editor(username="eda")

    page = new_page()
    log_in(page, live_server.url + "/admin/", "eda")
    page.locator("tr.model-article").get_by_role("link", name="Articles").click()
    page.get_by_role("link", name="New article from template").click()

    assert page.get_by_label("Template").input_value() != ""
    choose_in_autocomplete(page, "work", "Arriv", "Arrival (2016)")
    screenshot(page, "template-1-new-article-from-template")
    page.get_by_role("button", name="Create the draft").click()

    page.wait_for_url("**/change/")
    assert page.get_by_label("Title:").input_value() == TITLE
    left = page.locator(".placeholders-left")
    assert left.is_visible()
    assert "13 placeholders left to replace before publishing" in left.inner_text()
    assert "[composer’s name] in Section 6: body" in left.inner_text()
    screenshot(page, "template-2-draft-with-placeholders-left")

    # The editor writes sections 1, 2, 3 and 5, and most of 6, leaving the composer's name for later.
    own_words = {
        0: "“Heptapod B” gives the aliens a voice made of breath, and “On the Nature of Daylight” gives Louise hers.",
        1: "Jóhannsson builds the score from processed voices, a slow choir and a cello that never quite resolves.",
        2: "The main theme is barely a melody at all, and that is why it stays: a rising breath that never lands.",
        4: "The score treats time the way the film does: motifs return before the scenes that explain them.",
    }
    for index, text in own_words.items():
        page.locator(f"#sections-{index} summary").click()  # each section opens from its folded summary
        page.locator(f"#id_sections-{index}-body").fill(text)
    page.locator("#sections-5 summary").click()
    sixth = page.locator("#id_sections-5-body")
    sixth.fill(sixth.input_value().replace("[famous composer]", "Hans Zimmer"))
    page.get_by_label("Status:").select_option(label="Published")
    page.get_by_role("button", name="Save", exact=True).first.click()

    refusal = page.locator(".placeholders-refused")
    assert "cannot be published or scheduled" in refusal.inner_text()
    assert "[composer’s name] in Section 6: body" in refusal.inner_text()
    assert refusal.is_visible()
    assert page.locator("#id_sections-0-body").input_value() == own_words[0]  # nothing typed is lost
    screenshot(page, "template-3-publish-refused")
    assert Article.objects.get().status == Article.Status.DRAFT

    # Choosing the composer answers the last placeholder; this time the save publishes.
    choose_in_autocomplete(page, "composers", "Jóh", "Jóhann Jóhannsson")
    page.get_by_role("button", name="Save", exact=True).first.click()
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    screenshot(page, "template-4-published")

    article = Article.objects.get()
    assert article.status == Article.Status.PUBLISHED and article.is_public
    reader = new_page()
    reader.goto(live_server.url + article.get_absolute_url())
    assert reader.locator("h1").inner_text() == TITLE
    page_text = reader.locator("main").inner_text()
    assert "If Jóhann Jóhannsson isn’t a household name like Hans Zimmer" in page_text
    assert "“Heptapod B” gives the aliens a voice made of breath" in page_text
    assert "[" not in reader.locator(".article-section").first.inner_text()
    screenshot(reader, "template-5-reader-sees-the-article")

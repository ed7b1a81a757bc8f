"""The article form as an editor handles it, in Chromium at a desktop's width and a phone's: the actions above and
below the fields, sections and featured tracks that collapse and move by buttons, the publish refusal said once with
each placeholder leading to its field, the preview marking the placeholders left, and "New article from template"
adding a work on the spot and warning of an article with the same title."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, ArticleTemplate
from tests.utils.browser import SCREENSHOTS, assert_accessible, choose_in_autocomplete, log_in
from tests.utils.factories import (
    ArticleFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    WorkFactory,
    editor,
)

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TRACKS = ["Heptapod B", "On the Nature of Daylight", "Kangaru", "Hydraulic Lift", "Sapir-Whorf"]
TITLE = "Why Arrival’s Soundtrack Deserves More Recognition"


# Every autocomplete widget set up by the admin's scripts and named by ours (static/js/autocomplete-labels.js).
WIDGETS_READY = """() => Array.from(document.querySelectorAll("select.admin-autocomplete:not([name*=__prefix__])"))
    .every(select => select.nextElementSibling && select.nextElementSibling.matches(".select2")
        && !select.nextElementSibling.querySelector("[role=textbox], .select2-search__field:not([aria-label])"))"""


def accessible(page) -> None:
    page.wait_for_function(WIDGETS_READY)
    assert_accessible(page)


def at_both_sizes(page, name: str, *, bottom: bool = False) -> None:
    """Check the screen with axe-core and take its screenshot at 1280×900 and at 390×844 (what a screen shows, from
    the top of the page or scrolled to its bottom), then go back to the desktop's size."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.evaluate("window.scrollTo(0, %s)" % ("document.documentElement.scrollHeight" if bottom else "0"))
        accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], "the page scrolls sideways"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}.png"))
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def eda(data_from_migrations):  # the Editors group and the built-in template
    return editor(username="eda")


@pytest.fixture
def arrival(eda):
    work = WorkFactory(title="Arrival", year=2016)
    composer = ComposerFactory(name="Jóhann Jóhannsson")
    for position, title in enumerate(TRACKS, start=1):
        TrackFactory(work=work, position=position, title=title).composers.add(composer)
    return work


@pytest.fixture
def draft(arrival):
    """A draft from the built-in template, its five featured tracks each with a note to finish."""
    article = ArticleTemplate.objects.get().create_article(work=arrival)
    for position, track in enumerate(arrival.tracks.all(), start=1):
        FeaturedTrackFactory(article=article, track=track, position=position, note="Listen for [the detail].")
    return article


@pytest.fixture
def finished(eda):
    article = ArticleFactory(title="The Glass Orchard, heard again")
    for position, heading in enumerate(["The opening", "The main theme", "The ending"], start=1):
        SectionFactory(article=article, position=position, heading=heading, body=f"About {heading.lower()}.")
    return article


def sign_in_to(page, url: str) -> None:
    log_in(page, url, "eda")
    page.wait_for_url(url)
    page.set_viewport_size(DESKTOP)


def open_form(page, live_server, article) -> None:
    sign_in_to(page, f"{live_server.url}/admin/articles/article/{article.pk}/change/")


def row(page, name: str):
    return page.locator(".positioned-row", has=page.locator(".inline_label", has_text=name))


def test_the_form_puts_its_actions_above_and_below_and_shows_each_row_folded(live_server, new_page, draft):
    page = new_page()
    open_form(page, live_server, draft)

    top, bottom = page.locator(".submit-row").first, page.locator(".submit-row").last
    for bar in (top, bottom):
        for action in ("Save", "Save and continue editing", "Preview", "Publish"):
            expect(bar.get_by_role("button", name=action, exact=True)).to_be_visible()
    expect(top.get_by_role("button", name="Delete")).to_have_count(0)
    expect(bottom.get_by_role("button", name="Delete")).to_be_visible()
    preview, delete = bottom.get_by_role("button", name="Preview"), bottom.get_by_role("button", name="Delete")
    assert delete.bounding_box()["x"] - preview.bounding_box()["x"] > 300  # the Delete button stands apart

    title = page.get_by_label("Title:")
    assert title.evaluate("input => input.scrollWidth <= input.clientWidth")  # the whole title shows
    seo = page.get_by_label("SEO description:")
    seo.fill("A score made of breath and voices: how Jóhann Jóhannsson gave Arrival’s heptapods a language of sound.")
    assert seo.evaluate("box => box.scrollHeight <= box.clientHeight")

    sections = page.locator("#sections-group .positioned-row:not(.empty-form) details")
    tracks = page.locator("#featured_tracks-group .positioned-row:not(.empty-form) details")
    assert (sections.count(), tracks.count()) == (7, 5)
    assert not any(details.get_attribute("open") is not None for details in sections.all() + tracks.all())
    expect(row(page, "Sapir-Whorf").locator("summary")).to_contain_text("Featured track 5: Sapir-Whorf")
    expect(row(page, "Sapir-Whorf").locator("summary")).to_contain_text("1 placeholder left")
    expect(page.get_by_label("Position:", exact=True).first).to_be_hidden()  # the buttons order the rows

    at_both_sizes(page, "article-form-top")
    at_both_sizes(page, "article-form-bottom", bottom=True)


def test_moving_a_section_up_with_its_button_and_saving_changes_the_order_on_the_public_page(
    live_server, new_page, finished
):
    page = new_page()
    open_form(page, live_server, finished)

    ending = row(page, "The ending")
    expect(ending.get_by_role("button", name="Move “The ending” down")).to_have_attribute("aria-disabled", "true")
    ending.get_by_role("button", name="Move “The ending” up").click()

    expect(page.get_by_role("status").first).to_have_text("“The ending” moved to 2 of 3.")
    headings = page.locator("#sections-group .positioned-row:not(.empty-form) .inline_label")
    expect(headings).to_have_text(["The opening", "The ending", "The main theme"])
    positions = page.locator("#sections-group .positioned-row:not(.empty-form) input[name$='-position']")
    assert [position.input_value() for position in positions.all()] == ["1", "2", "3"]
    expect(row(page, "The ending").get_by_role("button", name="Move “The ending” up")).to_be_focused()
    accessible(page)

    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(live_server.url + finished.get_absolute_url())
    expect(page.locator(".article-section h2")).to_have_text(["1. The opening", "2. The ending", "3. The main theme"])


def test_a_new_section_moved_to_the_top_saves_there_even_after_another_is_added_and_removed(
    live_server, new_page, finished
):
    page = new_page()
    open_form(page, live_server, finished)
    sections = page.locator("#sections-group")
    add = sections.get_by_role("button", name="Add another Section")

    add.click()
    prologue = sections.locator(".positioned-row.dynamic-sections").last
    prologue.get_by_label("Heading:").fill("The prologue")
    prologue.get_by_role("textbox", name="Body:").fill("Before the first note.")
    for _ in range(3):
        row(page, "The prologue").get_by_role("button", name="Move “The prologue” up").click()
    add.click()  # another row, removed again: Django numbers the rows' fields anew
    sections.locator(".positioned-row.dynamic-sections").last.get_by_role("button", name="Remove").click()

    expect(sections.locator(".positioned-row:not(.empty-form) .inline_label")).to_have_text(
        ["The prologue", "The opening", "The main theme", "The ending"]
    )
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    assert [section.heading for section in finished.sections.order_by("position")] == [
        "The prologue",
        "The opening",
        "The main theme",
        "The ending",
    ]


def test_rows_fold_and_unfold_one_by_one_or_all_at_once_and_a_new_one_opens(live_server, new_page, finished):
    page = new_page()
    open_form(page, live_server, finished)
    sections = page.locator("#sections-group")
    main_theme = page.locator("#" + row(page, "The main theme").get_attribute("id"))
    heading = main_theme.get_by_label("Heading:")

    expect(heading).to_be_hidden()
    main_theme.locator("summary").click()
    expect(heading).to_be_visible()
    heading.fill("The theme that returns")
    expect(main_theme.locator(".inline_label")).to_have_text("The theme that returns")  # the summary follows

    headings = sections.locator(".positioned-row:not(.empty-form)").get_by_label("Heading:")
    sections.get_by_role("button", name="Expand all").click()
    expect(headings).to_have_count(3)
    for field in headings.all():
        expect(field).to_be_visible()
    sections.get_by_role("button", name="Collapse all").click()
    for field in headings.all():
        expect(field).to_be_hidden()

    sections.get_by_role("button", name="Add another Section").click()
    new = sections.locator(".positioned-row.dynamic-sections").last
    expect(new.locator("details")).to_have_attribute("open", "")
    expect(new.locator("summary")).to_contain_text("Section 4: New section")
    expect(new.get_by_role("button", name="Move “New section” up")).to_have_attribute("aria-disabled", "false")
    accessible(page)


def test_the_publish_refusal_is_said_once_and_each_placeholder_leads_to_its_field(live_server, new_page, draft):
    page = new_page()
    open_form(page, live_server, draft)
    page.locator("#id_sections-2-body").evaluate("box => box.closest('details').open = true")
    page.locator("#id_sections-2-body").fill("Few people heard it, because the film’s marketing never mentioned it.")

    page.get_by_role("button", name="Publish", exact=True).first.click()

    refusal = page.get_by_role("alert")
    expect(refusal).to_have_count(1)
    expect(refusal.get_by_role("heading")).to_have_text("Not published: 11 placeholders left")
    expect(page.get_by_text("cannot be published or scheduled")).to_have_count(1)
    expect(page.locator(".errornote, .errorlist.nonform")).to_have_count(0)
    expect(page.locator("#id_sections-2-body")).to_have_value(re.compile("marketing never mentioned it"))
    at_both_sizes(page, "article-form-publish-refused")

    link = refusal.get_by_role("link", name="[genre/style] in Section 2: body")
    expect(page.locator("#id_sections-1-body")).to_be_visible()  # its row is open: it holds placeholders
    folded = refusal.get_by_role("link", name="[the detail] in Featured track 4: note")
    expect(page.locator("#id_featured_tracks-3-note")).to_be_visible()
    for placeholder, field in ((link, "#id_sections-1-body"), (folded, "#id_featured_tracks-3-note")):
        placeholder.click()
        box = page.locator(field)
        expect(box).to_be_focused()
        selected = box.evaluate("box => box.value.slice(box.selectionStart, box.selectionEnd)")
        assert selected == placeholder.locator("code").inner_text()
    assert Article.objects.get().status == Article.Status.DRAFT


def test_the_preview_of_a_draft_marks_the_placeholders_left(live_server, new_page, draft):
    page = new_page()
    open_form(page, live_server, draft)
    row(page, "Sapir-Whorf").locator("summary").click()
    page.locator("#id_featured_tracks-4-note").fill("Listen for the choir.")

    with page.expect_popup() as popup:
        page.get_by_role("button", name="Preview", exact=True).first.click()
    preview = popup.value
    preview.wait_for_load_state()

    expect(preview.get_by_role("note").filter(has_text="placeholders left")).to_contain_text("16 placeholders left")
    marks = preview.locator("mark.placeholder")
    expect(marks).to_have_count(16)
    expect(marks.first).to_have_text("[specific track]")
    expect(preview.locator("#track-5")).not_to_contain_text("[the detail]")
    for size in (DESKTOP, PHONE):
        preview.set_viewport_size(size)
        marks.first.scroll_into_view_if_needed()
        accessible(preview)
        preview.screenshot(path=str(SCREENSHOTS / f"article-preview-placeholders-marked-{size['width']}.png"))


def test_a_new_work_is_added_without_leaving_new_article_from_template_and_credits_its_composers(
    live_server, new_page, eda
):
    ComposerFactory(name="Jóhann Jóhannsson")
    page = new_page()
    sign_in_to(page, f"{live_server.url}/admin/articles/article/from-template/")
    accessible(page)

    with page.expect_popup() as popup:
        page.get_by_title("Add another work").click()
    window = popup.value
    window.get_by_label("Title:", exact=True).fill("Arrival")
    window.get_by_label("Year:").fill("2016")
    window.locator("#id_tracks-0-position").fill("1")
    window.locator("#id_tracks-0-title").fill("Heptapod B")
    choose_in_autocomplete(window, "composers", "Jóh", "Jóhann Jóhannsson")
    accessible(window)
    with window.expect_event("close"):
        window.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".field-work .select2-selection__rendered")).to_have_text(re.compile("Arrival \\(2016\\)"))
    at_both_sizes(page, "article-from-template-new-work")
    page.get_by_role("button", name="Create the draft").click()

    expect(page.locator(".messagelist")).to_contain_text("The composers of the work’s tracks are credited")
    expect(page.locator(".field-composers .select2-selection__choice")).to_contain_text("Jóhann Jóhannsson")
    article = Article.objects.get()
    assert [composer.name for composer in article.composers.all()] == ["Jóhann Jóhannsson"]
    assert "[composer’s name]" not in article.sections.get(position=6).body


def test_an_article_with_the_same_title_is_named_before_another_is_made(live_server, new_page, arrival):
    existing = ArticleFactory(title=TITLE, work=arrival)
    page = new_page()
    sign_in_to(page, f"{live_server.url}/admin/articles/article/from-template/")
    choose_in_autocomplete(page, "work", "Arriv", "Arrival (2016)")

    page.get_by_role("button", name="Create the draft").click()

    warning = page.get_by_role("alert")
    expect(warning).to_contain_text(f"An article titled “{TITLE}” already exists.")
    expect(warning.get_by_role("link", name=TITLE)).to_have_attribute(
        "href", f"/admin/articles/article/{existing.pk}/change/"
    )
    assert Article.objects.count() == 1
    at_both_sizes(page, "article-from-template-same-title")

    page.get_by_role("button", name="Create another draft anyway").click()

    expect(page.locator(".messagelist")).to_contain_text("was created from the template")
    assert Article.objects.filter(title=TITLE).count() == 2


def test_the_tags_field_offers_the_existing_tags_as_the_editor_types_each_one(live_server, new_page, finished):
    ArticleFactory().tags.add("Film music", "Strings", "Filmmaking")
    page = new_page()
    open_form(page, live_server, finished)
    tags = page.get_by_label("Tags")

    tags.press_sequentially("fil")
    offered = page.locator("#id_tags-suggestions option")

    expect(offered).to_have_count(2)
    assert offered.evaluate_all("options => options.map(o => o.value)") == ['"Film music"', "Filmmaking"]
    tags.fill("")
    tags.press_sequentially('"Film music", str')
    expect(offered).to_have_count(1)
    assert offered.first.get_attribute("value") == '"Film music", Strings'
    accessible(page)

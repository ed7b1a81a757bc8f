"""The three journeys of the site, end to end in Chromium: an editor publishes, a reader discusses, a moderator
moderates. Each step leaves a screenshot in test-artifacts/screenshots/journey-*.png."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from comments import services
from comments.models import Comment, CommentReport, ModerationEvent
from tests.utils.browser import assert_accessible, choose_in_autocomplete, log_in
from tests.utils.factories import (
    ArticleFactory,
    CommentFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    WorkFactory,
    editor,
    moderator,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def discussed_article():
    article = ArticleFactory(title="Why The Glass Orchard's score matters")
    SectionFactory(article=article, heading="The emotional depth", body="Listen closely.")
    FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work, title="Harvest of Light"))
    return article


def test_an_editor_writes_previews_and_publishes_an_article(live_server, new_page, screenshot, data_from_migrations):
    work = WorkFactory(title="Arrival", year=2016)
    TrackFactory(work=work, title="Heptapod B")
    TrackFactory(work=work, title="On the Nature of Daylight")
    ComposerFactory(name="Jóhann Jóhannsson")
    editor(username="eda")

    page = new_page()
    log_in(page, live_server.url + "/admin/", "eda")
    page.locator("tr.model-article").get_by_role("link", name="Add").click()
    page.get_by_label("Title:").fill("The breath of Arrival")
    page.get_by_role("textbox", name="Standfirst:").fill("A score made of *voices*.")
    choose_in_autocomplete(page, "work", "Arriv", "Arrival (2016)")
    choose_in_autocomplete(page, "composers", "Jóh", "Jóhann Jóhannsson")
    page.get_by_label("Tags:").fill("ambient, choral")

    sections = {"The voices": "Processed **breath** and a slow choir.", "The cello": "It never quite resolves."}
    for index, (heading, body) in enumerate(sections.items()):
        page.get_by_role("button", name="Add another Section").click()
        page.locator(f"#id_sections-{index}-heading").fill(heading)
        page.locator(f"#id_sections-{index}-body").fill(body)
    page.get_by_role("button", name="Add another Featured track").click()
    track_row = page.locator("#featured_tracks-0")
    choose_in_autocomplete(page, "track", "Hepta", "Heptapod B", within=track_row)
    track_row.get_by_role("textbox", name="Note:").fill("The aliens’ *voice*.")
    screenshot(page, "journey-editor-1-article-written")

    with page.expect_popup() as popup:
        page.get_by_role("button", name="Preview", exact=True).first.click()
    preview = popup.value
    preview.wait_for_load_state()
    expect(preview.locator(".preview-banner")).to_contain_text("Preview of unsaved changes.")
    expect(preview.get_by_role("heading", level=1)).to_have_text("The breath of Arrival")
    expect(preview.get_by_role("heading", name="The voices")).to_be_visible()
    expect(preview.locator(".featured-track", has_text="Heptapod B")).to_contain_text("The aliens’ voice.")
    screenshot(preview, "journey-editor-2-preview")
    preview.close()
    assert not Article.objects.exists()  # previewing saves nothing

    page.get_by_label("Status:").select_option(label="Published")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    screenshot(page, "journey-editor-3-published")

    article = Article.objects.get()
    assert article.is_public and article.author.username == "eda"
    assert sorted(article.tags.names()) == ["ambient", "choral"]
    reader = new_page()
    reader.goto(live_server.url + article.get_absolute_url())
    expect(reader.get_by_role("heading", level=1)).to_have_text("The breath of Arrival")
    expect(reader.get_by_role("heading", name="1. The voices")).to_be_visible()
    expect(reader.locator(".article-section strong")).to_have_text("breath")
    expect(reader.locator(".featured-track")).to_contain_text("Heptapod B")
    expect(reader.get_by_role("link", name="Jóhann Jóhannsson")).to_be_visible()
    reader.get_by_role("link", name="#choral").click()
    expect(reader.get_by_role("link", name="The breath of Arrival")).to_be_visible()
    screenshot(reader, "journey-editor-4-reader-finds-it-by-tag")


def test_a_reader_reads_comments_replies_reports_and_opens_a_spoiler(
    live_server, new_page, screenshot, discussed_article, settings
):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # a robot-fast browser is the point of this test
    article = discussed_article
    ada = CommentFactory(article=article, author_name="Ada", body="The ||last chord|| got me.")
    ben = CommentFactory(article=article, author_name="Ben", body="Buy cheap headphones at example.com!")

    page = new_page()
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    ada_card = page.locator(f"#{ada.anchor}")  # the comment's permalink
    spoiler = ada_card.get_by_text("last chord")
    expect(spoiler).to_be_hidden()
    ada_card.get_by_label("Show spoiler").check()
    expect(spoiler).to_be_visible()
    screenshot(page, "journey-reader-1-spoiler-opened")

    page.get_by_label("Name").fill("Cara")
    page.get_by_label("Email", exact=True).fill("cara@example.com")
    page.get_by_label("Comment", exact=True).fill("That *choir* in Harvest of Light!")
    page.get_by_label("Which track stood out to you?").select_option(label="Harvest of Light")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".messages")).to_contain_text("awaiting moderation")
    expect(page.locator("li[id^='comment-']", has_text="Cara")).to_contain_text("Awaiting moderation")
    assert_accessible(page)
    screenshot(page, "journey-reader-2-comment-awaiting-moderation")

    ada_card.get_by_role("link", name="Reply").click()
    expect(page.locator("#comment-form")).to_contain_text("Reply to Ada")
    # Typed again, over the name and email this browser remembered.
    page.get_by_label("Name").fill("Cara")
    page.get_by_label("Email", exact=True).fill("cara@example.com")
    page.get_by_label("Comment", exact=True).fill("It got me too, Ada.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".messages")).to_contain_text("Thank you")
    screenshot(page, "journey-reader-3-replied")

    # "Report" opens a small form in the comment or leads to a page of its own: either way its words are the same.
    page.locator(f"#{ben.anchor}").get_by_text(re.compile(r"^Report\b")).filter(visible=True).first.click()
    page.get_by_role("group", name="What is wrong with it?").get_by_role("radio", name="Spam or advertising").check()
    assert_accessible(page)
    screenshot(page, "journey-reader-4-report-form")
    page.get_by_role("button", name="Report this comment").filter(visible=True).click()
    expect(page.locator(".messages")).to_contain_text("the moderators will look at this comment")
    screenshot(page, "journey-reader-5-reported")

    reply = Comment.objects.get(parent=ada)
    assert (reply.author_name, reply.body) == ("Cara", "It got me too, Ada.")
    first = Comment.objects.get(author_email="cara@example.com", parent=None)
    assert first.favourite_track.track.title == "Harvest of Light"
    assert CommentReport.objects.get().comment == ben


def test_a_moderator_approves_rejects_and_marks_spam_in_bulk_and_the_public_page_follows(
    live_server, new_page, screenshot, discussed_article, data_from_migrations
):
    article = discussed_article
    for name, body in [
        ("Dora", "The strings in the finale are unreal."),
        ("Eli", "I play this score while I work."),
        ("Finn", "This article is nonsense and so are you."),
        ("Spammy", "Cheap watches at example.com"),
    ]:
        CommentFactory(article=article, author_name=name, body=body, status=Comment.Status.PENDING)
    reported = CommentFactory(article=article, author_name="Promo", body="Visit example.com for free albums")
    services.report_comment(reported, reporter_key="session:reader", reason=CommentReport.Reason.SPAM)
    moderator(username="mona")

    reader = new_page()
    reader.goto(live_server.url + article.get_absolute_url())
    expect(reader.get_by_role("heading", name="1 comment", exact=True)).to_be_visible()

    page = new_page()
    log_in(page, live_server.url + "/admin/comments/comment/?status__exact=all", "mona")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(5)
    for row in rows.all()[:4]:  # every status, the pending comments first
        expect(row).to_contain_text("Pending")
    screenshot(page, "journey-moderator-1-queue")

    def act_on(names: list[str], action: str, message: str) -> None:
        for name in names:
            page.locator("#result_list tbody tr", has_text=name).get_by_role("checkbox").check()
        page.get_by_role("combobox", name="Action").select_option(label=action)
        page.get_by_role("button", name="Run").click()
        expect(page.locator(".messagelist")).to_contain_text(message)

    act_on(["Dora", "Eli"], "Approve selected comments", "2 comments approved.")
    act_on(["Finn"], "Reject selected comments", "1 comment rejected.")
    tabs = page.get_by_role("navigation", name="Comments by status")
    tabs.get_by_role("link", name="Reported 1", exact=True).click()
    expect(rows).to_have_count(1)
    tabs.get_by_role("link", name="All", exact=True).click()
    act_on(["Spammy", "Promo"], "Mark selected comments as spam", "2 comments marked as spam.")
    screenshot(page, "journey-moderator-2-after-bulk-actions")

    reader.reload()
    discussion = reader.locator("#comments")
    expect(reader.get_by_role("heading", name="2 comments", exact=True)).to_be_visible()
    for shown in ("Dora", "Eli"):
        expect(discussion.locator("li[id^='comment-']", has_text=shown)).to_have_count(1)
    for hidden in ("Finn", "Spammy", "Promo"):
        expect(discussion.locator("li[id^='comment-']", has_text=hidden)).to_have_count(0)
    screenshot(reader, "journey-moderator-3-public-page-follows")

    statuses = dict(Comment.objects.values_list("author_name", "status"))
    assert statuses == {"Dora": "approved", "Eli": "approved", "Finn": "rejected", "Spammy": "spam", "Promo": "spam"}
    assert set(ModerationEvent.objects.values_list("actor__username", flat=True)) == {"mona"}
    assert ModerationEvent.objects.count() == 5

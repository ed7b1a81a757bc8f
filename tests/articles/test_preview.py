"""The editor's preview of unsaved changes, and the live Markdown preview beside the admin's textareas."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects
from reversion.models import Version

from articles.models import Article, FeaturedTrack, Section
from tests.utils.admin import change_url, form_data
from tests.utils.factories import (
    ArticleFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    UserFactory,
    WorkFactory,
    moderator,
)

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")
ADD_PREVIEW = reverse("admin:articles_article_add_preview")
MARKDOWN_PREVIEW = reverse("admin:articles_article_markdown_preview")
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def preview_url(article) -> str:
    return reverse("admin:articles_article_preview", args=[article.pk])


@pytest.fixture
def article():
    article = ArticleFactory(title="Arrival, heard again", status=Article.Status.DRAFT, publish_at=None)
    SectionFactory(article=article, heading="The heptapod chorus", body="Voices without words.", position=1)
    FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work, title="On the Nature"), position=1)
    return article


def the_form(client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    return form_data(response)


class TestWhoMayPreview:
    def test_an_anonymous_visitor_is_sent_to_the_login_page(self, client, article):
        response = client.post(preview_url(article), {"title": "Anything"})

        assertRedirects(response, f"{reverse('admin:login')}?next={preview_url(article)}")

    @pytest.mark.parametrize(
        "make_user", [lambda: UserFactory(is_staff=True), moderator], ids=["staff-without-rights", "moderator"]
    )
    def test_staff_who_may_not_change_articles_are_refused(self, client, article, make_user):
        client.force_login(make_user())

        assert client.post(preview_url(article), {"title": "Anything"}).status_code == 403
        assert client.post(ADD_PREVIEW, {"title": "Anything"}).status_code == 403

    def test_a_preview_is_only_posted(self, client, signed_in_ada, article):
        assert client.get(preview_url(article)).status_code == 405

    def test_an_unknown_article_is_not_found(self, client, signed_in_ada):
        assert client.post(reverse("admin:articles_article_preview", args=[987654]), {}).status_code == 404


class TestPreviewOfUnsavedChanges:
    def test_the_change_form_has_a_preview_button_that_opens_a_new_tab_without_saving(
        self, client, signed_in_ada, article
    ):
        response = client.get(change_url(article))

        assertContains(
            response,
            f'<input type="submit" value="Preview" name="_preview" class="preview-button" '
            f'formaction="{preview_url(article)}" formtarget="_blank" formnovalidate '
            'title="Opens the page as readers would see it, with the changes not saved yet, in a new tab">',
            html=True,
        )

    def test_the_add_form_has_one_too(self, client, signed_in_ada):
        response = client.get(ADD)

        assertContains(response, f'formaction="{ADD_PREVIEW}" formtarget="_blank"')

    def test_the_preview_shows_the_forms_unsaved_text_and_saves_nothing(self, client, signed_in_ada, article):
        data = the_form(client, change_url(article))
        data["title"] = ["Arrival, heard a third time"]
        data["sections-0-body"] = ["The chorus **sings** at last."]
        data["featured_tracks-0-note"] = ["Listen for the *breath*."]
        data["tags"] = ["strings, choir"]
        versions_before = Version.objects.count()

        with CaptureQueriesContext(connection) as queries:
            response = client.post(preview_url(article), data)

        assert response.status_code == 200
        assert [query["sql"] for query in queries if WRITES.match(query["sql"])] == []
        assertContains(response, '<h1 id="article-title">Arrival, heard a third time</h1>', html=True)
        assertContains(response, "<p>The chorus <strong>sings</strong> at last.</p>", html=True)
        assertContains(response, "<p>Listen for the <em>breath</em>.</p>", html=True)
        assertContains(response, 'href="/tags/choir/" rel="tag">#choir</a>')
        assertContains(response, "Preview of unsaved changes.")
        article.refresh_from_db()
        assert article.title == "Arrival, heard again"
        assert article.sections.get().body == "Voices without words."
        assert article.featured_tracks.get().note == "Listen for the *cello*."
        assert list(article.tags.names()) == []
        assert Version.objects.count() == versions_before

    def test_the_preview_is_never_indexed_nor_cached(self, client, signed_in_ada, article):
        response = client.post(preview_url(article), the_form(client, change_url(article)))

        assertContains(response, '<meta name="robots" content="noindex, nofollow">', html=True)
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]

    def test_sections_added_removed_and_reordered_in_the_form_show_as_they_would_be_saved(
        self, client, signed_in_ada, article
    ):
        SectionFactory(article=article, heading="The ending", body="Quiet.", position=2)
        data = the_form(client, change_url(article))
        data["sections-0-DELETE"] = ["on"]
        data["sections-1-position"] = ["5"]
        data.update(
            {
                "sections-TOTAL_FORMS": ["3"],
                "sections-2-position": ["1"],
                "sections-2-heading": ["A new opening"],
                "sections-2-body": ["First *words*."],
                "sections-2-numbered": ["on"],
                "sections-2-article": [str(article.pk)],
            }
        )

        response = client.post(preview_url(article), data)

        assert response.status_code == 200
        html = response.content.decode()
        assert "The heptapod chorus" not in html
        assert html.index("A new opening") < html.index("The ending")
        assertContains(
            response,
            '<h2 id="section-1-heading"><span class="section-number">1.</span> A new opening</h2>',
            html=True,
        )
        assert Section.objects.filter(article=article).count() == 2

    def test_a_new_article_is_previewed_with_its_sections_tracks_composers_and_byline(self, client, signed_in_ada):
        work = WorkFactory(title="Hollow Knight")
        track = TrackFactory(work=work, title="Greenpath")
        composer = ComposerFactory(name="Christopher Larkin")
        data = form_data(client.get(ADD))
        data.update(
            {
                "title": ["Why Greenpath glows"],
                "standfirst": ["A *small* theme."],
                "work": [str(work.pk)],
                "composers": [str(composer.pk)],
                "sections-TOTAL_FORMS": ["1"],
                "sections-0-heading": ["The viola"],
                "sections-0-body": ["It **leads**."],
                "sections-0-numbered": ["on"],
                "featured_tracks-TOTAL_FORMS": ["1"],
                "featured_tracks-0-track": [str(track.pk)],
                "featured_tracks-0-note": ["Listen twice."],
            }
        )

        with CaptureQueriesContext(connection) as queries:
            response = client.post(ADD_PREVIEW, data)

        assert response.status_code == 200
        assert [query["sql"] for query in queries if WRITES.match(query["sql"])] == []
        assertContains(response, '<h1 id="article-title">Why Greenpath glows</h1>', html=True)
        assertContains(response, "<p>A <em>small</em> theme.</p>", html=True)
        assertContains(response, "<p>It <strong>leads</strong>.</p>", html=True)
        assertContains(response, "Greenpath")
        assertContains(response, "Christopher Larkin</a>")
        assertContains(response, "By Ada Lovelace")
        assert not Article.objects.exists()
        assert not FeaturedTrack.objects.exists()

    def test_markdown_in_the_preview_goes_through_the_sanitizer(self, client, signed_in_ada, article):
        data = the_form(client, change_url(article))
        data["sections-0-body"] = ['<script>alert("x")</script> [link](javascript:alert(1)) **ok**']

        response = client.post(preview_url(article), data)

        assertNotContains(response, "<script>alert")
        assertNotContains(response, 'href="javascript:')
        assertContains(response, "&lt;script&gt;")
        assertContains(response, "<strong>ok</strong>", html=True)

    def test_fields_with_errors_are_listed_and_the_rest_is_previewed(self, client, signed_in_ada, article):
        data = the_form(client, change_url(article))
        data["title"] = [""]
        data["sections-0-body"] = ["Still *shown*."]

        response = client.post(preview_url(article), data)

        assert response.status_code == 200
        assertContains(response, "<li>Title: This field is required.</li>", html=True)
        assertContains(response, '<h1 id="article-title">Arrival, heard again</h1>', html=True)
        assertContains(response, "<p>Still <em>shown</em>.</p>", html=True)


class TestLiveMarkdownPreview:
    def test_an_editor_gets_the_sanitized_rendering(self, client, signed_in_ada):
        response = client.post(MARKDOWN_PREVIEW, {"text": "**bold** <img src=x onerror=alert(1)> [a](javascript:x)"})

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        html = response.json()["html"]
        assert "<strong>bold</strong>" in html
        assert "onerror" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
        assert "javascript:" not in html

    def test_empty_text_renders_nothing(self, client, signed_in_ada):
        assert client.post(MARKDOWN_PREVIEW, {"text": "  "}).json() == {"html": ""}

    def test_anonymous_visitors_and_staff_without_the_right_are_refused(self, client):
        assertRedirects(
            client.post(MARKDOWN_PREVIEW, {"text": "x"}), f"{reverse('admin:login')}?next={MARKDOWN_PREVIEW}"
        )
        client.force_login(moderator())
        assert client.post(MARKDOWN_PREVIEW, {"text": "x"}).status_code == 403

    def test_it_is_only_posted(self, client, signed_in_ada):
        assert client.get(MARKDOWN_PREVIEW, {"text": "x"}).status_code == 405

    def test_it_needs_the_csrf_token_the_form_carries_sent_in_a_header(self, signed_in_ada, article):
        client = Client(enforce_csrf_checks=True)
        client.force_login(signed_in_ada)
        token = the_form(client, change_url(article))["csrfmiddlewaretoken"][0]

        assert client.post(MARKDOWN_PREVIEW, {"text": "**x**"}).status_code == 403
        response = client.post(MARKDOWN_PREVIEW, {"text": "**x**"}, headers={"X-CSRFToken": token})
        assert response.status_code == 200
        assert response.json() == {"html": "<p><strong>x</strong></p>"}

    def test_the_markdown_textareas_ask_for_a_preview_and_load_the_script(self, client, signed_in_ada, article):
        response = client.get(change_url(article))

        for name in ("standfirst", "sections-0-body", "featured_tracks-0-note"):
            assertContains(response, f'data-markdown-preview="{MARKDOWN_PREVIEW}"', count=None)
            assert re.search(rf'<textarea name="{name}"[^>]*data-markdown-preview=', response.content.decode()), name
        assertContains(response, '<script src="/static/js/markdown-preview.js"></script>', html=True)
        assertContains(response, 'href="/static/css/admin-editorial.css"')

    @pytest.mark.parametrize("url", [ADD, "change"])
    def test_the_admin_forms_carry_no_inline_script(self, client, signed_in_ada, article, url):
        response = client.get(change_url(article) if url == "change" else url)

        scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
        assert scripts
        assert [tag for tag in scripts if "src=" not in tag] == []
        assert "Content-Security-Policy" in response
        assert "script-src 'self'" in response["Content-Security-Policy"]

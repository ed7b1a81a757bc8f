"""Multi-line texts are stored with LF line endings whichever way they came (a browser sends CR LF), so History
shows an edit to one section as one change."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse

from articles.demo import load_demo_content
from articles.models import Article, ArticleTemplate, Composer, FeaturedTrack, Section
from articles.revisions import keep_revision, restore, versions_of
from articles.revisions.changes import Snapshot, parts_of
from tests.utils.admin import form_data
from tests.utils.factories import ArticleFactory, ComposerFactory, FeaturedTrackFactory, SectionFactory, editor

pytestmark = pytest.mark.django_db

CRLF_TEXT = "First paragraph.\r\n\r\nSecond paragraph,\r\nwith a line break.\rAnd an old Mac's."
LF_TEXT = "First paragraph.\n\nSecond paragraph,\nwith a line break.\nAnd an old Mac's."


def as_a_browser_posts(data: dict[str, list[str]], textareas: set[str]) -> dict[str, list[str]]:
    """Every textarea's lines ending in CR LF, as browsers submit them."""
    return {
        name: [value.replace("\n", "\r\n") for value in values] if name in textareas else values
        for name, values in data.items()
    }


def textarea_names(response) -> set[str]:
    html = response.content.decode()
    return {name for name in form_data(response) if f'<textarea name="{name}"' in html}


class TestSaving:
    def test_every_multiline_text_is_stored_with_lf_line_endings(self):
        article = ArticleFactory(standfirst=CRLF_TEXT)
        section = SectionFactory(article=article, body=CRLF_TEXT)
        featured = FeaturedTrackFactory(article=article, note=CRLF_TEXT)
        composer = ComposerFactory(bio=CRLF_TEXT)
        template = ArticleTemplate.objects.create(name="Short", description=CRLF_TEXT, standfirst=CRLF_TEXT)
        template_section = template.sections.create(heading="One", body=CRLF_TEXT)

        stored = [
            Article.objects.values_list("standfirst", flat=True).get(pk=article.pk),
            Section.objects.values_list("body", flat=True).get(pk=section.pk),
            FeaturedTrack.objects.values_list("note", flat=True).get(pk=featured.pk),
            Composer.objects.values_list("bio", flat=True).get(pk=composer.pk),
            *ArticleTemplate.objects.values_list("description", "standfirst").get(pk=template.pk),
            template.sections.values_list("body", flat=True).get(pk=template_section.pk),
        ]
        assert stored == [LF_TEXT] * 7
        assert section.body == LF_TEXT  # the instance holds what was stored (a revision serializes it)

    def test_the_rendering_is_the_same_either_way(self):
        assert SectionFactory(body=CRLF_TEXT).body_html == SectionFactory(body=LF_TEXT).body_html


class TestTheAdmin:
    @pytest.fixture
    def demo(self, client):
        client.force_login(editor(username="ada", first_name="Ada", last_name="Lovelace"))
        article, _ = load_demo_content()
        return article

    def post_change(self, client, article, **changes):
        url = reverse("admin:articles_article_change", args=[article.pk])
        shown = client.get(url)
        data = form_data(shown) | {name: [value] for name, value in changes.items()}
        textareas = textarea_names(shown)
        assert {"standfirst", "sections-0-body", "sections-6-body", "featured_tracks-0-note"} <= textareas
        response = client.post(url, as_a_browser_posts(data, textareas))
        assert response.status_code == 302, response.context and response.context["errors"]

    def test_an_edit_to_one_section_shows_in_history_as_one_changed_section(self, client, demo):
        third = demo.sections.get(position=3)
        self.post_change(client, demo, **{"sections-2-body": third.body + "\n\nOne more sentence, of mine."})

        newer, first = versions_of(demo)[:2]
        assert first.revision.get_comment().startswith("Created by the demo loader")
        comparison = Snapshot.of(first).compare(Snapshot.of(newer))
        assert comparison.article == []
        assert comparison.featured_tracks == []
        assert [(part.label, part.kind, [f.label for f in part.fields]) for part in comparison.sections] == [
            (f"Section 3: {third.heading}", "changed", ["Body"])
        ]
        assert newer.revision.get_comment() == f"Changed Body for section “{third.heading}”."

        response = client.get(
            reverse("admin:articles_article_compare", args=[demo.pk]) + f"?old={first.pk}&new={newer.pk}"
        )
        assert len(response.context["comparison"].sections) == 1

    def test_saving_the_form_unchanged_changes_nothing(self, client, demo):
        self.post_change(client, demo)

        newer, first = versions_of(demo)[:2]
        assert not Snapshot.of(first).compare(Snapshot.of(newer)).has_changes
        assert newer.revision.get_comment() == "No fields changed."
        assert "\r" not in "".join(Section.objects.filter(article=demo).values_list("body", flat=True))

    def test_a_revision_kept_with_crlf_before_compares_by_its_words_and_restores_with_lf(self, client, demo):
        first = versions_of(demo).first()
        with connection.cursor() as cursor:  # a browser's CR LF, stored before the models normalised them
            cursor.execute("UPDATE articles_section SET body = REPLACE(body, %s, %s)", ["\n", "\r\n"])
        keep_revision([demo], by=None, comment="Kept with CR LF.")
        crlf = versions_of(demo).first()
        assert "\r\n" in next(p for p in parts_of(crlf) if p._model is Section).field_dict["body"]

        assert not Snapshot.of(first).compare(Snapshot.of(crlf)).has_changes
        restore(crlf, user=editor())
        assert "\r" not in "".join(Section.objects.filter(article=demo).values_list("body", flat=True))


def test_the_migration_rewrites_the_rows_saved_with_crlf():
    article = ArticleFactory()
    section = SectionFactory(article=article)
    with connection.cursor() as cursor:  # as saved before: a raw write, past the model
        cursor.execute("UPDATE articles_section SET body = %s WHERE id = %s", [CRLF_TEXT, section.pk])
        cursor.execute("UPDATE articles_article SET standfirst = %s WHERE id = %s", [CRLF_TEXT, article.pk])

    migration = importlib.import_module("articles.migrations.0011_line_endings")
    migration.normalise_line_endings(django_apps, None)

    assert Section.objects.values_list("body", flat=True).get(pk=section.pk) == LF_TEXT
    assert Article.objects.values_list("standfirst", flat=True).get(pk=article.pk) == LF_TEXT

"""Every article has a first revision however it was made (the change form, a template, the demo loader, an
import), saying how and by whom, so that its original text can always be restored."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from reversion.models import Version

from articles.demo import load_demo_content
from articles.models import Article, ArticleTemplate, Section
from articles.revisions import restore, versions_of
from articles.revisions.changes import parts_of
from tests.utils.admin import form_data
from tests.utils.factories import ArticleFactory, SectionFactory, WorkFactory, editor

pytestmark = pytest.mark.django_db


def part_models(version) -> list[str]:
    return sorted(part.content_type.model for part in parts_of(version))


def test_a_draft_from_a_template_starts_with_a_revision_by_its_editor(client):
    ada = editor(username="ada")
    client.force_login(ada)
    template = ArticleTemplate.objects.get(name__icontains="soundtrack")

    client.post(reverse("admin:articles_article_from_template"), {"template": template.pk, "work": WorkFactory().pk})

    [version] = versions_of(Article.objects.get())
    assert version.revision.user == ada
    assert version.revision.get_comment() == f"Created from the template “{template}”."
    assert part_models(version).count("section") == template.sections.count()


class TestTheDemoLoader:
    def test_the_demo_article_starts_with_a_revision_of_the_seed(self):
        article, created = load_demo_content()

        [version] = versions_of(article)
        assert created
        assert version.revision.user is None
        assert version.revision.get_comment() == "Created by the demo loader (load_demo_content), from the seed."
        assert part_models(version).count("section") == 7
        assert part_models(version).count("featuredtrack") == 5

    def test_its_original_text_can_be_restored_after_an_edit(self, client):
        article, _ = load_demo_content()
        original = article.sections.get(position=1).body
        client.force_login(editor())
        url = reverse("admin:articles_article_change", args=[article.pk])
        data = form_data(client.get(url)) | {"sections-0-body": ["Rewritten."]}
        assert client.post(url, data).status_code == 302

        restore(versions_of(article).last(), user=editor())

        assert article.sections.get(position=1).body == original

    def test_loading_again_keeps_no_second_revision(self):
        article, _ = load_demo_content()
        load_demo_content()

        assert versions_of(article).count() == 1


class TestImports:
    @pytest.fixture
    def exported(self, tmp_path):
        article = ArticleFactory(title="Arrival, heard again", slug="arrival-heard-again")
        SectionFactory(article=article, position=1, heading="The chorus", body="Voices.")
        call_command("export_articles", "arrival-heard-again", "-o", str(tmp_path), stdout=StringIO())
        article.delete()
        return tmp_path / "arrival-heard-again.md"

    def import_file(self, path):
        call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())
        return Article.objects.get(slug="arrival-heard-again")

    def test_an_imported_article_starts_with_a_revision_naming_the_file(self, exported):
        article = self.import_file(exported)

        [version] = versions_of(article)
        assert version.revision.user is None
        assert version.revision.get_comment() == ("Created by an import (import_articles) of arrival-heard-again.md.")
        assert part_models(version) == ["section"]

    def test_an_import_over_an_existing_article_keeps_a_revision_of_the_update(self, exported):
        article = self.import_file(exported)
        exported.write_text(exported.read_text().replace("Voices.", "Voices, and a cello."))
        self.import_file(exported)

        newer, first = versions_of(article)
        assert newer.revision.get_comment() == "Updated by an import (import_articles) of arrival-heard-again.md."
        restore(first, user=editor())
        assert Section.objects.get(article=article).body == "Voices."

    def test_a_refused_import_keeps_no_revision(self, exported):
        exported.write_text(exported.read_text().replace("status: published", "status: sideways"))

        with pytest.raises(CommandError, match="not imported"):
            self.import_file(exported)
        assert not Article.objects.exists()
        assert not Version.objects.exists()

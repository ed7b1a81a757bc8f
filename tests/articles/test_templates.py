"""Article templates: the built-in one the migration installs from the seed, and new drafts made from a template."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from articles.models import Article, ArticleTemplate
from articles.seed import load_seed
from tests.utils.factories import UserFactory, WorkFactory, editor
from tests.utils.seed import SEED_HEADINGS, SEED_TAGS

pytestmark = pytest.mark.django_db

BUILT_IN = "Why its soundtrack deserves more recognition"
CLOSING_QUESTION = (
    "What do you think? Have you listened to [title]’s soundtrack? Which tracks stood out to you? "
    "Share your thoughts in the comments!"
)
FROM_TEMPLATE = reverse("admin:articles_article_from_template")
CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def built_in():
    return ArticleTemplate.objects.get(name=BUILT_IN)


class TestTheBuiltInTemplate:
    def test_the_migration_installs_the_seed_as_the_built_in_template(self, built_in):
        seed = load_seed()

        assert built_in.title == "Why [title]’s Soundtrack Deserves More Recognition"
        assert built_in.standfirst == seed.intro
        assert "[insert title of film/TV show/game]" in built_in.standfirst
        assert built_in.description

    def test_it_has_six_numbered_sections_and_a_conclusion_in_the_seeds_order(self, built_in):
        sections = list(built_in.sections.all())

        assert len(sections) == 7
        assert [(section.numbered, section.heading) for section in sections] == SEED_HEADINGS
        assert [section.position for section in sections] == [1, 2, 3, 4, 5, 6, 7]
        assert [section.body for section in sections] == [section.body for section in load_seed().sections]

    def test_the_conclusion_ends_with_the_closing_question(self, built_in):
        conclusion = built_in.sections.last()

        assert conclusion.body.endswith(CLOSING_QUESTION)

    def test_it_suggests_the_seeds_tags(self, built_in):
        assert sorted(built_in.tag_names()) == sorted(SEED_TAGS)

    def test_editors_may_manage_templates(self):
        user = editor()

        for action in ("add", "change", "delete", "view"):
            assert user.has_perm(f"articles.{action}_articletemplate")
            assert user.has_perm(f"articles.{action}_articletemplatesection")


class TestCreatingAnArticleFromATemplate:
    def test_the_draft_gets_the_templates_text_with_the_works_title_filled_in(self, built_in):
        author = UserFactory()

        article = built_in.create_article(work=WorkFactory(title="Arrival"), author=author)

        assert article.status == Article.Status.DRAFT and article.publish_at is None
        assert article.author == author
        assert article.title == "Why Arrival’s Soundtrack Deserves More Recognition"
        assert article.slug == "why-arrivals-soundtrack-deserves-more-recognition"
        assert "why Arrival’s soundtrack deserves far more recognition" in article.standfirst
        assert "[insert title" not in article.standfirst
        assert "Arrival" in article.standfirst_html

    def test_the_draft_has_the_templates_sections_rendered_and_its_tags(self, built_in):
        article = built_in.create_article(work=WorkFactory(title="Arrival"))

        sections = list(article.sections.all())
        assert [(section.numbered, section.heading) for section in sections] == SEED_HEADINGS
        assert sections[0].body.startswith("One of the most compelling aspects of Arrival’s soundtrack")
        assert "[specific track]" in sections[0].body  # featured tracks fill it later
        assert "Arrival’s soundtrack" in sections[0].body_html
        assert sections[-1].body.endswith(CLOSING_QUESTION.replace("[title]", "Arrival"))
        assert sorted(article.tags.names()) == sorted(SEED_TAGS)

    def test_the_template_is_left_as_it_was(self, built_in):
        built_in.create_article(work=WorkFactory(title="Arrival"))

        built_in.refresh_from_db()
        assert "[title]" in built_in.title
        assert built_in.sections.count() == 7


class TestNewArticleFromTemplateInTheAdmin:
    def test_the_article_changelist_offers_a_new_article_from_a_template(self, client, signed_in_editor):
        response = client.get(CHANGELIST)

        assertContains(response, f'<a href="{FROM_TEMPLATE}" class="addlink">New article from template</a>', html=True)

    def test_the_form_asks_for_the_template_and_the_work(self, client, signed_in_editor, built_in):
        response = client.get(FROM_TEMPLATE, {"template": built_in.pk})

        assert response.status_code == 200
        assertContains(response, f'<option value="{built_in.pk}" selected>{BUILT_IN}</option>', html=True)
        assertContains(response, 'data-field-name="work"')  # the admin's autocomplete, as on the article form
        assertContains(response, "<dt>Why its soundtrack deserves more recognition</dt>", html=True)

    def test_the_work_autocomplete_finds_works_by_title(self, client, signed_in_editor):
        arrival = WorkFactory(title="Arrival", year=2016)
        WorkFactory(title="Sicario")
        query = {"app_label": "articles", "model_name": "article", "field_name": "work", "term": "arr"}

        response = client.get(reverse("admin:autocomplete"), query)

        assert response.status_code == 200
        assert response.json()["results"] == [{"id": str(arrival.pk), "text": "Arrival (2016)"}]

    def test_creating_the_draft_opens_its_change_form_with_the_placeholders_left(
        self, client, signed_in_editor, built_in
    ):
        work = WorkFactory(title="Arrival")

        response = client.post(FROM_TEMPLATE, {"template": built_in.pk, "work": work.pk}, follow=True)

        article = Article.objects.get()
        assertRedirects(response, reverse("admin:articles_article_change", args=[article.pk]))
        assert (article.work, article.author, article.status) == (work, signed_in_editor, Article.Status.DRAFT)
        assert article.sections.count() == 7
        assertContains(response, "was created from the template")
        assertContains(response, 'value="Why Arrival’s Soundtrack Deserves More Recognition"')
        assertContains(
            response, '<code>[specific track]</code> <span class="placeholder-where">in Section 1: body</span>'
        )
        assertContains(
            response, '<code>[composer’s name]</code> <span class="placeholder-where">in Section 6: body</span>'
        )

    def test_a_template_can_be_chosen_from_its_changelist(self, client, signed_in_editor, built_in):
        response = client.get(reverse("admin:articles_articletemplate_changelist"))

        assertContains(response, f'<a href="{FROM_TEMPLATE}?template={built_in.pk}">New article from this template</a>')

    def test_a_missing_work_is_asked_for_and_nothing_is_created(self, client, signed_in_editor, built_in):
        response = client.post(FROM_TEMPLATE, {"template": built_in.pk, "work": ""})

        assert response.status_code == 200
        assertContains(response, "This field is required.")
        assert not Article.objects.exists()

    def test_staff_who_may_not_add_articles_get_403(self, client, built_in):
        client.force_login(UserFactory(is_staff=True, groups=["Moderators"]))

        assert client.get(FROM_TEMPLATE).status_code == 403
        response = client.post(FROM_TEMPLATE, {"template": built_in.pk, "work": WorkFactory().pk})
        assert response.status_code == 403
        assert not Article.objects.exists()


class TestTemplateAdmin:
    def test_an_editor_adds_a_template_with_its_sections(self, client, signed_in_editor):
        data = {
            "name": "Track by track",
            "description": "One section per track.",
            "title": "[title], track by track",
            "standfirst": "A walk through [title]’s album.",
            "suggested_tags": "Soundtrack, TrackByTrack",
            "sections-TOTAL_FORMS": 2,
            "sections-INITIAL_FORMS": 0,
            "sections-0-position": "",
            "sections-0-numbered": "on",
            "sections-0-heading": "The opening",
            "sections-0-body": "[specific track] opens the album.",
            "sections-1-position": "",
            "sections-1-heading": "Conclusion",
            "sections-1-body": "What did you think of [title]?",
        }

        response = client.post(reverse("admin:articles_articletemplate_add"), data)

        assertRedirects(response, reverse("admin:articles_articletemplate_changelist"))
        template = ArticleTemplate.objects.get(name="Track by track")
        assert [(s.position, s.numbered, s.heading) for s in template.sections.all()] == [
            (1, True, "The opening"),
            (2, False, "Conclusion"),
        ]
        assert template.tag_names() == ["Soundtrack", "TrackByTrack"]

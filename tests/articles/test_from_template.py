"""'New article from template': the composers of the work's tracks credited and named, a work added on the spot in the
admin's popup, and an article with the same title named before a second one is made."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.models import Article, ArticleTemplate, Work
from tests.utils.factories import ArticleFactory, ComposerFactory, TrackFactory, UserFactory, WorkFactory, editor
from tests.utils.html import parse

pytestmark = pytest.mark.django_db

FROM_TEMPLATE = reverse("admin:articles_article_from_template")
TITLE = "Why Arrival’s Soundtrack Deserves More Recognition"


@pytest.fixture
def template():
    return ArticleTemplate.objects.get()


@pytest.fixture
def arrival():
    """Arrival, its tracks credited to two composers (one of them twice) and one track to nobody."""
    work = WorkFactory(title="Arrival", year=2016)
    johannsson, richter = ComposerFactory(name="Jóhann Jóhannsson"), ComposerFactory(name="Max Richter")
    TrackFactory(work=work, position=1, title="Heptapod B").composers.add(johannsson)
    TrackFactory(work=work, position=2, title="On the Nature of Daylight").composers.add(richter, johannsson)
    TrackFactory(work=work, position=3, title="Field recording")
    ComposerFactory(name="Hildur Guðnadóttir")  # composes for other works
    return work


def chosen(page, name: str) -> list[str]:
    return [option.text for option in page.find("select", name=name).find_all("option") if "selected" in option.attrs]


@pytest.fixture
def signed_in(client):
    user = editor()
    client.force_login(user)
    return user


class TestTheComposers:
    def test_the_draft_credits_each_composer_of_the_works_tracks_once(self, template, arrival):
        article = template.create_article(work=arrival)

        assert [composer.name for composer in article.composers.all()] == ["Jóhann Jóhannsson", "Max Richter"]

    def test_their_names_take_the_place_of_the_composers_placeholder(self, template, arrival):
        article = template.create_article(work=arrival)

        sixth = article.sections.get(position=6)
        assert "If Jóhann Jóhannsson and Max Richter isn’t a household name" in sixth.body
        assert "Jóhann Jóhannsson and Max Richter" in sixth.body_html

    def test_a_work_whose_tracks_credit_nobody_leaves_the_composers_to_the_editor(self, template):
        article = template.create_article(work=TrackFactory(title="Untitled").work)

        assert not article.composers.exists()
        assert "[composer’s name]" in article.sections.get(position=6).body

    def test_the_admin_says_who_was_credited(self, client, signed_in, template, arrival):
        response = client.post(FROM_TEMPLATE, {"template": template.pk, "work": arrival.pk}, follow=True)

        assertContains(response, "The composers of the work’s tracks are credited: Jóhann Jóhannsson and Max Richter.")
        page = parse(response)
        assert chosen(page, "composers") == ["Jóhann Jóhannsson", "Max Richter"]


class TestANewWork:
    def test_the_work_can_be_added_in_the_admins_popup_and_comes_back_chosen(self, client, signed_in):
        page = parse(client.get(FROM_TEMPLATE))

        add = page.find("a", id="add_id_work")
        assert add.attrs["href"].startswith(reverse("admin:articles_work_add") + "?_to_field=id&_popup=1")
        assert add.attrs["data-popup"] == "yes" and add.attrs["title"] == "Add another work"
        assertContains(client.get(FROM_TEMPLATE), "/static/admin/js/admin/RelatedObjectLookups.js")

    def test_the_popup_answers_with_the_new_work_for_the_form(self, client, signed_in):
        data = {
            "kind": "film",
            "title": "Arrival",
            "year": "2016",
            "slug": "",
            "_popup": "1",
            "_to_field": "id",
            "tracks-TOTAL_FORMS": "0",
            "tracks-INITIAL_FORMS": "0",
        }

        response = client.post(reverse("admin:articles_work_add") + "?_to_field=id&_popup=1", data)

        work = Work.objects.get(title="Arrival")
        assertContains(response, "data-popup-response")
        assertContains(response, f"&quot;value&quot;: &quot;{work.pk}&quot;")

    def test_staff_who_may_not_add_works_get_no_add_button(self, client):
        user = UserFactory(is_staff=True)
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["add_article", "change_article", "view_article", "view_work"])
        )
        client.force_login(user)

        response = client.get(FROM_TEMPLATE)

        assert response.status_code == 200
        assertNotContains(response, 'id="add_id_work"')


class TestTheSameTitle:
    def test_the_title_the_draft_would_get_is_the_one_it_gets(self, template, arrival):
        title = template.article_title(arrival)

        assert title == TITLE == template.create_article(work=arrival).title

    def test_an_article_with_that_title_is_named_with_a_link_and_nothing_is_made(
        self, client, signed_in, template, arrival
    ):
        existing = ArticleFactory(title=TITLE, work=arrival)

        response = client.post(FROM_TEMPLATE, {"template": template.pk, "work": arrival.pk})

        assert response.status_code == 200
        page = parse(response)
        warning = page.find("section", class_="same-title")
        assert warning.attrs["role"] == "alert"
        assert warning.find("h2").text == f"An article titled “{TITLE}” already exists."
        link = warning.find("a")
        assert (link.text, link.attrs["href"]) == (TITLE, reverse("admin:articles_article_change", args=[existing.pk]))
        assert "(published, about the same work, last saved" in warning.find("li").text
        assert page.find("button", name="create_anyway").text == "Create another draft anyway"
        assert chosen(page, "work") == ["Arrival (2016)"]  # the choices stay as they were
        assert Article.objects.count() == 1

    def test_titles_are_compared_whatever_their_case(self, client, signed_in, template, arrival):
        ArticleFactory(title=TITLE.upper(), work=WorkFactory(title="Another"))

        response = client.post(FROM_TEMPLATE, {"template": template.pk, "work": arrival.pk})

        assertContains(response, "already exists")
        assertNotContains(response, "about the same work")

    def test_create_anyway_makes_a_second_draft(self, client, signed_in, template, arrival):
        ArticleFactory(title=TITLE, work=arrival)

        response = client.post(FROM_TEMPLATE, {"template": template.pk, "work": arrival.pk, "create_anyway": "1"})

        second = Article.objects.latest("pk")
        assertRedirects(response, reverse("admin:articles_article_change", args=[second.pk]))
        assert second.title == TITLE and second.status == Article.Status.DRAFT
        assert Article.objects.filter(title=TITLE).count() == 2

    def test_a_different_title_goes_through_without_a_word(self, client, signed_in, template, arrival):
        ArticleFactory(title="Why Sicario’s Soundtrack Deserves More Recognition")

        response = client.post(FROM_TEMPLATE, {"template": template.pk, "work": arrival.pk})

        assert response.status_code == 302
        assert Article.objects.filter(title=TITLE).exists()

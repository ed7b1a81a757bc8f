"""Two editors saving the same article: the second is told, keeps their text, and nothing is overwritten."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from articles.models import Article
from articles.revisions import Edit, last_edit
from tests.utils.admin import change_url, form_data
from tests.utils.factories import ArticleFactory, SectionFactory, editor

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def article():
    article = ArticleFactory(title="Arrival, heard again", status=Article.Status.DRAFT, publish_at=None)
    SectionFactory(article=article, heading="The heptapod chorus", body="Voices without words.", position=1)
    return article


@pytest.fixture
def ada():
    return signed_in(editor(username="ada", first_name="Ada", last_name="Lovelace"))


@pytest.fixture
def grace():
    return signed_in(editor(username="grace", first_name="Grace", last_name="Hopper"))


def opened(client, article) -> dict[str, list[str]]:
    """The change form's data as the editor's browser holds it once the page is open."""
    return form_data(client.get(change_url(article)))


def test_the_change_form_carries_the_version_it_shows(ada, article):
    response = ada.get(change_url(article))

    assertContains(
        response,
        f'<input type="hidden" name="edit_token" value="{article.updated_at.isoformat()}" id="id_edit_token">',
        html=True,
    )


def test_a_save_with_nobody_else_saving_in_between_goes_through(ada, article):
    data = opened(ada, article)
    data["title"] = ["Arrival, heard twice"]

    assertRedirects(ada.post(change_url(article), data), CHANGELIST)

    article.refresh_from_db()
    assert article.title == "Arrival, heard twice"


def test_saving_twice_in_a_row_from_the_same_editor_goes_through(ada, article):
    data = opened(ada, article)
    data["title"] = ["Arrival, heard twice"]
    data["_continue"] = ["Save and continue editing"]
    response = ada.post(change_url(article), data, follow=True)
    data = form_data(response)
    data["title"] = ["Arrival, heard three times"]

    assertRedirects(ada.post(change_url(article), data), CHANGELIST)

    article.refresh_from_db()
    assert article.title == "Arrival, heard three times"


class TestTwoEditorsAtOnce:
    @pytest.fixture
    def conflict(self, ada, grace, article):
        """Ada and Grace open the article; Grace saves first; then Ada saves."""
        adas, graces = opened(ada, article), opened(grace, article)
        graces["title"] = ["Grace's title"]
        graces["sections-0-body"] = ["Grace's section."]
        assertRedirects(grace.post(change_url(article), graces), CHANGELIST)
        adas["title"] = ["Ada's title"]
        adas["sections-0-body"] = ["Ada's section, written with care."]
        adas["standfirst"] = ["Ada's standfirst."]
        return ada.post(change_url(article), adas)

    def test_the_second_save_is_refused_with_who_saved_first_and_when(self, conflict, article):
        article.refresh_from_db()
        when = Edit(None, article.updated_at).when

        assert conflict.status_code == 200
        assertContains(
            conflict,
            f"<li>Grace Hopper saved this article on {when}, after you opened it, so your changes were not "
            "saved. They are still in the form below: compare them with the current version (open the article "
            "in another tab), then save again to replace that version with yours.</li>",
            html=True,
        )

    def test_nothing_of_the_second_editors_is_saved(self, conflict, article):
        article.refresh_from_db()

        assert article.title == "Grace's title"
        assert article.sections.get().body == "Grace's section."
        assert last_edit(article).editor == "Grace Hopper"

    def test_everything_the_second_editor_typed_stays_in_the_form(self, conflict):
        assertContains(conflict, 'value="Ada&#x27;s title"')
        assertContains(conflict, "Ada&#x27;s standfirst.</textarea>")
        assertContains(conflict, "Ada&#x27;s section, written with care.</textarea>")

    def test_saving_again_after_reading_the_message_replaces_the_first_save(self, ada, conflict, article):
        assertRedirects(ada.post(change_url(article), form_data(conflict)), CHANGELIST)

        article.refresh_from_db()
        assert article.title == "Ada's title"
        assert article.sections.get().body == "Ada's section, written with care."
        assert last_edit(article).editor == "Ada Lovelace"


def test_a_bulk_publish_while_the_form_is_open_is_a_conflict_too(ada, grace, article):
    adas = opened(ada, article)
    adas["title"] = ["Ada's title"]
    grace.post(CHANGELIST, {"action": "unpublish", "_selected_action": [article.pk]})

    response = ada.post(change_url(article), adas)

    assertContains(response, "Grace Hopper saved this article on")
    article.refresh_from_db()
    assert article.title == "Arrival, heard again"


def test_a_change_made_outside_the_admin_is_a_conflict_with_nobody_named(ada, article):
    adas = opened(ada, article)
    adas["title"] = ["Ada's title"]
    Article.objects.get(pk=article.pk).save()  # a script, the shell: no revision

    response = ada.post(change_url(article), adas)

    assertContains(response, "<li>Someone saved this article on", html=False)
    article.refresh_from_db()
    assert article.title == "Arrival, heard again"

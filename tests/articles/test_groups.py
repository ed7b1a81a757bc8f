import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from pytest_django.asserts import assertRedirects

from articles.models import Article
from tests.utils.factories import ArticleFactory, UserFactory, editor, moderator

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")

EDITOR_MODELS = [
    ("articles", "article"),
    ("articles", "section"),
    ("articles", "featuredtrack"),
    ("articles", "work"),
    ("articles", "composer"),
    ("articles", "track"),
    ("taggit", "tag"),
]
ACTIONS = ["add", "change", "delete", "view"]


def group_permissions(name: str):
    return Permission.objects.filter(group__name=name)


def test_the_data_migration_creates_the_editors_and_moderators_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Editors", "Moderators"}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(("app_label", "model"), EDITOR_MODELS)
def test_editors_may_add_change_delete_and_view_the_content_models(app_label, model, action):
    assert editor().has_perm(f"{app_label}.{action}_{model}")


def test_editors_have_no_permission_on_users_or_groups():
    user = editor()

    assert not group_permissions("Editors").filter(content_type__app_label="auth").exists()
    assert not any(user.has_perm(f"auth.{action}_{model}") for action in ACTIONS for model in ("user", "group"))


@pytest.mark.parametrize("url", [reverse("admin:auth_user_changelist"), reverse("admin:auth_group_changelist")])
def test_an_editor_cannot_open_the_user_or_group_admin(client, url):
    client.force_login(editor())

    assert client.get(url).status_code == 403


def test_an_editor_can_open_the_article_changelist(client):
    article = ArticleFactory(title="Arrival, heard again")
    client.force_login(editor())

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [article]


def test_moderators_have_no_articles_permissions():
    user = moderator()

    assert not group_permissions("Moderators").filter(content_type__app_label="articles").exists()
    assert not user.has_module_perms("articles")


def test_a_moderator_gets_403_on_the_article_changelist(client):
    client.force_login(moderator())

    assert client.get(CHANGELIST).status_code == 403


def test_a_moderator_cannot_change_an_article(client):
    article = ArticleFactory(title="Arrival, heard again", status=Article.Status.DRAFT, publish_at=None)
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(moderator())

    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {"title": "Renamed by a moderator", "standfirst": "x", "work": article.work_id, "status": "draft",
         "sections-TOTAL_FORMS": 0, "sections-INITIAL_FORMS": 0,
         "featured_tracks-TOTAL_FORMS": 0, "featured_tracks-INITIAL_FORMS": 0},
    )  # fmt: skip

    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Arrival, heard again"


def test_a_staff_user_in_no_group_gets_403_on_the_article_changelist(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(CHANGELIST).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(CHANGELIST)

    assertRedirects(response, f"{reverse('admin:login')}?next={CHANGELIST}")

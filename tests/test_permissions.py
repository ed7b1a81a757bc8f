"""Who may open what: every role × every admin page of every registered model, and the non-public pages.

Expected answers are written out by role (not derived from the permission system under test); any cell that
differs is reported, and an unexpected success fails the test.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from articles.models import Article
from comments.models import Comment
from tests.comments.factories import CommentFactory
from tests.factories import ArticleFactory, FeaturedTrackFactory, SectionFactory, UserFactory, editor, moderator

pytestmark = pytest.mark.django_db

EDITOR_APPS = {"articles", "taggit"}
# What moderators may do, model by model: view and change comments, read reports and the audit trail.
MODERATOR_ALLOWED = {
    ("comments", "comment"): {"changelist", "change"},
    ("comments", "moderationevent"): {"changelist", "change"},  # "change" opens the read-only view
    ("comments", "commentreport"): {"changelist", "change"},
}
ROLES = ["anonymous", "reader", "editor", "moderator", "superuser"]


@pytest.fixture
def world():
    article = ArticleFactory()
    SectionFactory(article=article)
    featured = FeaturedTrackFactory(article=article)
    article.tags.add("FilmMusic")
    CommentFactory(article=article, favourite_track=featured)
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    users = {
        "reader": UserFactory(),
        "editor": editor(),
        "moderator": moderator(),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    return {"draft": draft, "users": users}


def admin_pages():
    """(model, page name, url-maker) for every registered model's changelist, add, change and delete pages."""
    for model in admin.site._registry:
        meta = model._meta
        name = f"admin:{meta.app_label}_{meta.model_name}"
        yield model, "changelist", lambda _obj, name=name: reverse(f"{name}_changelist")
        yield model, "add", lambda _obj, name=name: reverse(f"{name}_add")
        yield model, "change", lambda obj, name=name: reverse(f"{name}_change", args=[obj.pk])
        yield model, "delete", lambda obj, name=name: reverse(f"{name}_delete", args=[obj.pk])


def expected(role: str, model, page: str) -> str:
    meta = model._meta
    if role in ("anonymous", "reader"):
        return "login"
    model_admin = admin.site._registry[model]
    if role == "superuser":
        adds = page != "add" or model_admin.has_add_permission(_superuser_request())
        deletes = page != "delete" or model_admin.has_delete_permission(_superuser_request())
        return "allow" if adds and deletes else "deny"
    if role == "editor":
        return "allow" if meta.app_label in EDITOR_APPS else "deny"
    return "allow" if page in MODERATOR_ALLOWED.get((meta.app_label, meta.model_name), set()) else "deny"


def _superuser_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = UserFactory.build(is_staff=True, is_superuser=True, is_active=True)
    return request


def outcome(response) -> str:
    if response.status_code == 200:
        return "allow"
    if response.status_code == 302 and "/admin/login/" in response["Location"]:
        return "login"
    if response.status_code in (403, 404) or (response.status_code == 302 and "/admin/" in response["Location"]):
        return "deny"
    return f"status {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_answers_each_role_as_expected(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    surprises = []
    for model, page, url_for in admin_pages():
        obj = model._default_manager.first()
        if obj is None and page in ("change", "delete"):
            continue
        got = outcome(client.get(url_for(obj)))
        want = expected(role, model, page)
        if got != want:
            surprises.append(f"{model._meta.label} {page}: expected {want}, got {got}")

    assert surprises == []


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 404), ("reader", 404), ("editor", 200), ("moderator", 404), ("superuser", 200)]
)
def test_drafts_are_seen_only_by_those_who_edit_articles(client, world, role, status):
    if role != "anonymous":
        client.force_login(world["users"][role])

    assert client.get(world["draft"].get_absolute_url()).status_code == status


@pytest.mark.parametrize("role", ["anonymous", "reader", "editor"])
def test_bulk_moderation_is_refused_to_everyone_but_moderators(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    comment = Comment.objects.get()
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.PENDING)

    client.post(reverse("admin:comments_comment_changelist"), {"action": "approve", "_selected_action": [comment.pk]})

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize("role", ["anonymous", "reader", "moderator"])
def test_bulk_publishing_is_refused_to_everyone_but_editors(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])

    client.post(
        reverse("admin:articles_article_changelist"), {"action": "publish", "_selected_action": [world["draft"].pk]}
    )

    assert Article.objects.get(pk=world["draft"].pk).status == Article.Status.DRAFT

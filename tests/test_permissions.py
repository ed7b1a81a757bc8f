"""Who may open what: every role × every admin page of every registered model, and the non-public pages.

Expected answers are written out by role (not derived from the permission system under test); any cell that
differs is reported, and an unexpected success fails the test.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from articles.models import Article, Author
from comments.models import Comment, ModerationEvent
from privacy.models import PrivacyEvent
from tests.utils.admin import model_admins, registered_models
from tests.utils.factories import (
    ArticleFactory,
    CommentFactory,
    CommentReportFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    UserFactory,
    editor,
    moderator,
)

pytestmark = pytest.mark.django_db

EDITOR_APPS = {"articles", "taggit"}
# What moderators may do, model by model: view and change comments, read reports and the audit trail.
MODERATOR_ALLOWED = {
    ("comments", "comment"): {"changelist", "change"},
    ("comments", "moderationevent"): {"changelist", "change"},  # "change" opens the read-only view
    ("comments", "commentreport"): {"changelist", "change"},
    ("privacy", "privacyevent"): {"changelist", "change"},  # the audit trail of the privacy requests they answer
}
# The queue's bulk actions moderators run: decisions, and the privacy requests they answer.
MODERATOR_ACTIONS = {"approve", "reject", "mark_spam", "export_personal_data", "erase_personal_data"}
ROLES = ["anonymous", "reader", "editor", "moderator", "superuser"]


@pytest.fixture
def world():
    article = ArticleFactory()
    SectionFactory(article=article)
    featured = FeaturedTrackFactory(article=article)
    article.tags.add("FilmMusic")
    comment = CommentFactory(article=article, favourite_track=featured)
    CommentReportFactory(comment=comment)
    ModerationEvent.objects.create(comment=comment, rule="test", to_status=comment.status)
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    ComposerFactory()
    Author.objects.create(user=editor(first_name="Ada", last_name="Lovelace"), display_name="Ada L.")
    _sign_in_records()
    _task_result()
    PrivacyEvent.objects.create(action=PrivacyEvent.Action.EXPORT, address_digest="0" * 64)
    users = {
        "reader": UserFactory(),
        "editor": editor(),
        "moderator": moderator(),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    return {"draft": draft, "users": users}


def _sign_in_records():
    """One row in each of django-axes' tables, so their admin pages have an object to open."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    client = {"user_agent": "test", "ip_address": "192.0.2.1", "username": "someone", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(**client, http_accept="*/*", get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**client, http_accept="*/*")
    AccessFailureLog.objects.create(**client, http_accept="*/*")


def _task_result():
    """One row in the task queue's table (django-tasks-db), so its admin pages have an object to open."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(  # no run_after: the test settings' backend runs tasks at once, with no deferring
        args_kwargs={"args": [], "kwargs": {}},
        task_path="articles.indexing.store.rebuild_index",
        backend_name="default",
    )


def admin_pages():
    """(model, page name, url-maker) for every registered model's changelist, add, change and delete pages."""
    for model in registered_models():
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
    model_admin = admin.site.get_model_admin(model)
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


# Every other URL the admin site answers. Written out by hand, so that a new admin URL fails the test until
# somebody decides who may open it. "staff" means: any signed-in staff member.
STAFF = {"editor", "moderator", "superuser"}
EDITORS = {"editor", "superuser"}
MODERATORS = {"moderator", "superuser"}  # those with comments.change_comment
EXTRA_ADMIN_PAGES = {
    "index": STAFF,
    "password_change": STAFF,
    "password_change_done": STAFF,
    "jsi18n": STAFF,
    "autocomplete": set(),  # only answers a widget's query naming a field the user may use: a bare GET is refused
    "articles_article_from_template": EDITORS,
    "articles_article_add_preview": EDITORS,
    "articles_article_markdown_preview": EDITORS,
    "articles_article_preview": EDITORS,
    "articles_article_compare": EDITORS,
    "articles_article_restore": EDITORS,
    "articles_author_mine": STAFF,
    "articles_work_musicbrainz": EDITORS,  # a work's track list from MusicBrainz: the release, then the preview
    "articles_work_musicbrainz_import": EDITORS,  # every staff member's own author profile
    "taggit_tag_merge_tags": EDITORS,
    "comments_comment_decide": MODERATORS,  # a row's Approve, Spam and Reject buttons in the queue
    "comments_comment_reply": MODERATORS,  # a moderator's reply from the queue
    "privacy_privacyevent_by_address": MODERATORS,  # an address's data, exported or erased
    "auth_user_password_change": {"superuser"},
}
APP_LISTS = {"articles": EDITORS, "taggit": EDITORS, "comments": MODERATORS, "privacy": MODERATORS}
# Pages that only answer POST (a GET is 405 for everyone): they are checked with an empty POST.
POST_ONLY_ADMIN_PAGES = {
    "articles_article_add_preview",
    "articles_article_markdown_preview",
    "articles_article_preview",
    "articles_article_restore",
    "articles_work_musicbrainz_import",
    "comments_comment_decide",
}
# The sign-in pages are open to everyone; "view on site" takes an object and has tests of its own below.
PUBLIC_ADMIN_PAGES = {"login", "logout", "view_on_site"}


def admin_url_patterns(patterns=None):
    from django.urls import URLResolver

    for pattern in admin.site.get_urls() if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from admin_url_patterns(pattern.url_patterns)
        elif pattern.name:  # the unnamed ones redirect "<id>/" to "<id>/change/", which is checked
            yield pattern


def _model_of(url_name: str):
    for model in registered_models():
        if url_name.startswith(f"{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    return None


def _extra_admin_urls(article_version_id):
    """(url name, url, roles allowed) for each admin URL that is not a model's changelist/add/change/delete page."""
    crud = ("_changelist", "_add", "_change", "_delete")
    for pattern in admin_url_patterns():
        name = pattern.name
        if name in PUBLIC_ADMIN_PAGES or (_model_of(name) and name.endswith(crud)):
            continue
        if name == "app_list":
            for app_label in sorted({model._meta.app_label for model in registered_models()}):
                allowed = APP_LISTS.get(app_label, {"superuser"})
                yield f"app_list {app_label}", reverse("admin:app_list", args=[app_label]), allowed
            continue
        model = _model_of(name)
        kwargs = {}
        if "object_id" in pattern.pattern.converters or "id" in pattern.pattern.converters:
            key = "object_id" if "object_id" in pattern.pattern.converters else "id"
            obj = model._default_manager.order_by("pk").first()
            assert obj is not None, f"the world fixture has no {model._meta.label} to open {name!r} with"
            kwargs[key] = obj.pk
        if "version_id" in pattern.pattern.converters:
            kwargs["version_id"] = article_version_id
        url = reverse(f"admin:{name}", kwargs=kwargs)
        if name.endswith("_history"):
            # A model's history is open to whoever may see the model's change page.
            allowed = {role for role in ROLES if expected(role, model, "change") == "allow"}
        else:
            allowed = EXTRA_ADMIN_PAGES.get(name)
            assert allowed is not None, f"admin URL {name!r} has no expected answer in this test: add one"
        yield name, url, allowed


@pytest.mark.parametrize("role", ROLES)
def test_every_other_admin_url_answers_each_role_as_expected(client, world, role):
    import reversion

    article = Article.objects.filter(status=Article.Status.PUBLISHED).first()
    for title in ("First title", "Second title"):
        with reversion.create_revision():
            article.title = title
            article.save()
    from reversion.models import Version

    newer, older = Version.objects.get_for_object(article)[:2]
    if role != "anonymous":
        client.force_login(world["users"][role])
    surprises = []
    for name, url, allowed in _extra_admin_urls(older.pk):
        if name == "articles_article_compare":
            url += f"?old={older.pk}&new={newer.pk}"
        got = post_outcome(client.post(url)) if name in POST_ONLY_ADMIN_PAGES else outcome(client.get(url))
        want = "allow" if role in allowed else ("login" if role in ("anonymous", "reader") else "deny")
        if got != want:
            surprises.append(f"{name} ({url}): expected {want}, got {got}")

    assert not surprises, "\n".join(surprises)


def post_outcome(response) -> str:
    """A POST the view accepted may answer with a page, a redirect or a form error; refusals are 403/404 or the
    sign-in page."""
    if response.status_code == 302 and "/admin/login/" in response["Location"]:
        return "login"
    if response.status_code in (403, 404):
        return "deny"
    return "allow" if response.status_code < 500 else f"status {response.status_code}"


@pytest.mark.parametrize("role", ["moderator", "editor"])
def test_merging_tags_needs_the_right_to_change_tags(client, world, role):
    from taggit.models import Tag

    client.force_login(world["users"][role])
    session = client.session
    session["selected_tag_ids"] = str(Tag.objects.get(name="FilmMusic").pk)
    session.save()

    response = client.post(reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "Merged"})

    assert response.status_code == (302 if role == "editor" else 403)
    assert Tag.objects.filter(name="Merged").exists() == (role == "editor")


def test_merging_with_no_tags_selected_is_sent_back_with_a_message(client, world):
    client.force_login(world["users"]["editor"])

    response = client.post(reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "Merged"}, follow=True)

    assert response.status_code == 200
    assert "Select the tags to merge" in response.content.decode()


def _database_fingerprint() -> dict:
    """Every row of every registered model, so that any change an action makes shows."""
    return {model._meta.label: sorted(map(repr, model._default_manager.values())) for model in registered_models()}


def admin_actions():
    """(model, action name) for every bulk action offered to a superuser, `delete_selected` included."""
    request = _superuser_request()
    request.GET = {}
    for model, model_admin in model_admins():
        for action in model_admin.get_actions(request):
            yield model, action


@pytest.mark.parametrize("role", ROLES)
def test_no_bulk_action_succeeds_for_a_role_that_may_not_run_it(client, world, role):
    """Each action of each model, run by each role on every row (with the confirmation a deletion asks for): the
    roles without the permission change nothing."""
    if role != "anonymous":
        client.force_login(world["users"][role])
    surprises = []
    for model, action in admin_actions():
        if _action_allowed(role, model, action):
            continue
        before = _database_fingerprint()
        ids = list(model._default_manager.values_list("pk", flat=True))
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.post(url, {"action": action, "_selected_action": ids, "post": "yes"})
        if _database_fingerprint() != before:
            surprises.append(f"{model._meta.label} {action}: changed rows (status {response.status_code})")

    assert not surprises, "\n".join(surprises)


def _action_allowed(role: str, model, action: str) -> bool:
    if role in ("anonymous", "reader"):
        return False
    if role == "superuser":
        return True
    label = (model._meta.app_label, model._meta.model_name)
    if role == "editor":
        return model._meta.app_label in EDITOR_APPS
    return label == ("comments", "comment") and action in MODERATOR_ACTIONS


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_staff_are_offered_exactly_the_actions_they_may_run(client, world, role):
    client.force_login(world["users"][role])
    surprises = []
    for model, action in admin_actions():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        offered = response.status_code == 200 and action in dict(
            response.context["action_form"].fields["action"].choices
        )
        if offered != _action_allowed(role, model, action):
            surprises.append(f"{model._meta.label} {action}: offered={offered}")

    assert not surprises, "\n".join(surprises)


@pytest.mark.parametrize(("role", "status"), [("anonymous", 404), ("reader", 404), ("moderator", 404), ("editor", 200)])
def test_scheduled_articles_stay_hidden_until_their_time(client, world, role, status):
    from datetime import timedelta

    from django.utils import timezone

    scheduled = ArticleFactory(publish_at=timezone.now() + timedelta(days=2))
    if role != "anonymous":
        client.force_login(world["users"][role])

    assert client.get(scheduled.get_absolute_url()).status_code == status


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["comments:edit", "comments:delete"])
def test_nobody_edits_or_deletes_a_comment_posted_from_another_browser(client, world, role, page):
    comment = Comment.objects.get()
    if role != "anonymous":
        client.force_login(world["users"][role])
    body = comment.body

    assert client.get(reverse(page, args=[comment.pk])).status_code in (403, 404)
    client.post(reverse(page, args=[comment.pk]), {"body": "Rewritten by someone else"})
    comment.refresh_from_db()
    assert (comment.body, comment.status) == (body, Comment.Status.APPROVED)


# The two cells the outside scan added: what an unpublished article gives away, role by role, through the comment
# queue's article filter and the admin's "view on site" shortcut. A Moderators-only account learns neither its
# title nor its address.
ROLES_THAT_MODERATE = ["moderator", "editor and moderator", "superuser"]


def _user(world, role: str):
    if role == "editor and moderator":
        return UserFactory(is_staff=True, groups=["Editors", "Moderators"])
    return world["users"][role]


@pytest.mark.parametrize(("role", "named"), [("moderator", False), ("editor and moderator", True), ("superuser", True)])
def test_the_comment_queue_names_and_accepts_only_articles_the_role_may_see(client, world, role, named):
    draft = world["draft"]
    CommentFactory(article=draft)  # comments stay on an article taken back to draft
    client.force_login(_user(world, role))

    response = client.get(reverse("admin:comments_comment_changelist"), {"article__id__exact": draft.pk})

    if named:
        assert response.status_code == 200
        assert draft.title in response.content.decode()
        assert list(response.context["cl"].result_list) == list(draft.comments.all())
    else:
        assert response.status_code == 302
        assert response["Location"].endswith("?e=1")  # Django's "incorrect filter" page, which names nothing
        followed = client.get(response["Location"])
        assert draft.title not in followed.content.decode()
        assert [m.message for m in followed.context["messages"]] == [
            "That filter names nothing you may see: the whole queue is shown."
        ]


@pytest.mark.parametrize(
    ("role", "outcome_for_draft"),
    [
        ("anonymous", "login"),
        ("reader", "login"),
        ("editor", "redirect"),
        ("moderator", "deny"),
        ("superuser", "redirect"),
    ],
)
def test_view_on_site_redirects_only_those_who_may_see_the_object(client, world, role, outcome_for_draft):
    from django.contrib.contenttypes.models import ContentType

    draft = world["draft"]
    url = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Article).pk, draft.pk])
    if role != "anonymous":
        client.force_login(world["users"][role])

    response = client.get(url)

    redirected = response.status_code == 302 and response["Location"].endswith(draft.get_absolute_url())
    assert ("redirect" if redirected else outcome(response)) == outcome_for_draft
    assert (draft.slug in response.get("Location", "")) == (outcome_for_draft == "redirect")


def test_a_moderator_views_a_comment_on_the_site(client, world):
    from django.contrib.contenttypes.models import ContentType

    comment = Comment.objects.get()
    client.force_login(world["users"]["moderator"])

    response = client.get(
        reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Comment).pk, comment.pk])
    )

    assert response.status_code == 302
    assert response["Location"].endswith(comment.get_absolute_url())


@pytest.mark.parametrize("ids", [("999999", "1"), ("abc", "1"), ("1", "abc"), ("99999999999999999999", "1")])
def test_view_on_site_for_something_that_does_not_exist_is_a_404(client, world, ids):
    client.force_login(world["users"]["superuser"])

    assert client.get(f"/admin/r/{ids[0]}/{ids[1]}/").status_code == 404


def test_a_moderator_sees_comments_on_an_article_taken_back_to_draft_without_its_title(client, world):
    draft = world["draft"]
    comment = CommentFactory(article=draft, status=Comment.Status.PENDING)
    client.force_login(world["users"]["moderator"])

    queue = client.get(reverse("admin:comments_comment_changelist"))
    change = client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    events = client.get(reverse("admin:comments_moderationevent_changelist"))

    for response in (queue, change, events):
        assert response.status_code == 200
        assert draft.title not in response.content.decode()
    assert "An article that is not public now" in queue.content.decode()
    assert "An article that is not public now" in change.content.decode()

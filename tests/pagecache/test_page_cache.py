"""The page cache: served from the cache, invalidated by every visible change. Pages that read the session (an
article's, with its comment form) are rendered for each reader who has one (test_readers_with_a_session.py)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test.signals import template_rendered
from django.utils import timezone

from articles.models import Article
from comments import services
from comments.models import Comment
from pagecache import stamps
from tests.utils.factories import ArticleFactory, CommentFactory, SectionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

FORM_TOKEN = re.compile(r'name="form_token" value="[^"]*"')


def get(client, url, **headers):
    return client.get(url, headers=headers)


def test_a_second_anonymous_visit_is_served_from_the_cache(client, django_assert_num_queries):
    article = ArticleFactory()
    first = get(client, article.get_absolute_url())

    with django_assert_num_queries(0):
        second = get(client, article.get_absolute_url())

    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert FORM_TOKEN.sub("", second.content.decode()) == FORM_TOKEN.sub("", first.content.decode())
    assert second["Cache-Control"] == "public, max-age=0, s-maxage=60"  # browsers revalidate, shared caches keep
    assert not first.cookies, "a cacheable page must not set cookies (no CSRF cookie for anonymous readers)"


@pytest.mark.parametrize(
    "change",
    [
        lambda article: SectionFactory(article=article, heading="A brand new section"),
        lambda article: article.tags.add("BrandNewTag"),
        lambda article: article.save(),
        lambda article: setattr(article.work, "title", "A brand new work title") or article.work.save(),
    ],
    ids=["section added", "tag added", "article saved", "work retitled"],
)
def test_an_editors_change_invalidates_cached_pages(client, change):
    article = ArticleFactory()
    get(client, article.get_absolute_url())
    get(client, "/")

    change(article)

    assert get(client, article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert get(client, "/")["X-Page-Cache"] == "miss"


def test_an_approved_comment_appears_on_the_cached_page_at_once(client, admin_user):
    article = ArticleFactory()
    pending = CommentFactory(article=article, status=Comment.Status.PENDING, body="Waiting for a moderator")
    assert "Waiting for a moderator" not in get(client, article.get_absolute_url()).content.decode()

    services.moderate(Comment.objects.filter(pk=pending.pk), to_status=Comment.Status.APPROVED, actor=admin_user)

    assert "Waiting for a moderator" in get(client, article.get_absolute_url()).content.decode()


def test_a_comment_makes_its_articles_page_stale_and_no_other(client, admin_user):
    article, other = ArticleFactory(), ArticleFactory()
    pending = CommentFactory(article=article, status=Comment.Status.PENDING, body="Waiting for a moderator")
    for url in (article.get_absolute_url(), other.get_absolute_url(), "/"):
        get(client, url)

    services.moderate(Comment.objects.filter(pk=pending.pk), to_status=Comment.Status.APPROVED, actor=admin_user)

    assert get(client, other.get_absolute_url())["X-Page-Cache"] == "hit"
    assert get(client, "/")["X-Page-Cache"] == "hit"
    page = get(client, article.get_absolute_url())
    assert page["X-Page-Cache"] == "miss" and "Waiting for a moderator" in page.content.decode()


def test_a_page_rendered_while_an_editors_change_commits_is_not_sent_again(client):
    """The page is kept under the catalogue stamp read before it was rendered: a change that commits while it is
    rendered (after its lookup) makes it stale, though the page never read the stamp itself."""
    ArticleFactory()
    changed = []

    def change_while_rendering(**kwargs):
        if not changed:
            changed.append(True)
            stamps.catalogue_changed()

    template_rendered.connect(change_while_rendering)
    try:
        first = get(client, "/")
    finally:
        template_rendered.disconnect(change_while_rendering)

    assert changed and first["X-Page-Cache"] == "miss"
    assert get(client, "/")["X-Page-Cache"] == "miss"
    assert get(client, "/")["X-Page-Cache"] == "hit"


def test_a_scheduled_article_appears_on_cached_pages_at_its_publish_time(client):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        ArticleFactory(title="Already out", publish_at=now - timedelta(days=1))
        ArticleFactory(title="Coming at noon", status=Article.Status.SCHEDULED, publish_at=now + timedelta(hours=1))
        assert "Coming at noon" not in get(client, "/").content.decode()
        assert get(client, "/")["X-Page-Cache"] == "hit"

    with time_machine.travel(now + timedelta(hours=1, seconds=1), tick=False):
        response = get(client, "/")

    assert response["X-Page-Cache"] == "miss"
    assert "Coming at noon" in response.content.decode()


def test_signed_in_users_and_readers_with_a_session_get_an_article_page_of_their_own(client):
    article = ArticleFactory()
    get(client, article.get_absolute_url())

    client.cookies["sessionid"] = "whatever"
    with_session = get(client, article.get_absolute_url())
    client.cookies.clear()
    client.force_login(UserFactory())
    signed_in = get(client, article.get_absolute_url())

    assert "X-Page-Cache" not in with_session and "X-Page-Cache" not in signed_in
    assert "private" in signed_in["Cache-Control"]


def test_the_admin_is_never_cached(admin_client):
    response = admin_client.get("/admin/")

    assert "X-Page-Cache" not in response
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


class TestConditionalRequests:
    def test_a_matching_etag_gets_304(self, client):
        article = ArticleFactory()
        etag = get(client, article.get_absolute_url())["ETag"]

        response = get(client, article.get_absolute_url(), if_none_match=etag)

        assert response.status_code == 304
        assert response.content == b""

    def test_last_modified_answers_if_modified_since(self, client):
        article = ArticleFactory()
        last_modified = get(client, article.get_absolute_url())["Last-Modified"]

        assert get(client, article.get_absolute_url(), if_modified_since=last_modified).status_code == 304

    def test_a_changed_page_gets_a_new_etag(self, client):
        article = ArticleFactory()
        etag = get(client, article.get_absolute_url())["ETag"]
        SectionFactory(article=article)

        response = get(client, article.get_absolute_url(), if_none_match=etag)

        assert response.status_code == 200 and response["ETag"] != etag


def test_bulk_publishing_in_the_admin_invalidates_cached_pages(client, admin_client):
    draft = ArticleFactory(title="Straight from the drafts", status=Article.Status.DRAFT, publish_at=None)
    assert "Straight from the drafts" not in get(client, "/").content.decode()

    admin_client.post("/admin/articles/article/", {"action": "publish", "_selected_action": [draft.pk]}, follow=True)

    assert "Straight from the drafts" in get(client, "/").content.decode()


def form_token_of(response) -> str:
    return response.content.decode().split('name="form_token" value="')[1].split('"')[0]


def test_every_view_of_a_cached_page_gets_its_own_form_token_under_the_same_etag(client):
    article = ArticleFactory()
    first = get(client, article.get_absolute_url())
    second = get(client, article.get_absolute_url())

    assert second["X-Page-Cache"] == "hit"
    assert form_token_of(first) != form_token_of(second)
    assert first["ETag"] == second["ETag"]
    assert int(second["Content-Length"]) == len(second.content)


def test_two_readers_posting_from_the_same_cached_copy_both_get_their_comment(client, settings):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    article = ArticleFactory()
    token = form_token_of(get(client, article.get_absolute_url()))
    url = f"{article.get_absolute_url()}comments/"

    for name in ("Ada", "Grace"):
        form = {
            "author_name": name,
            "author_email": f"{name}@example.com",
            "body": f"{name} liked it.",
            "form_token": token,
        }
        assert client.post(url, form).status_code == 302

    assert sorted(Comment.objects.values_list("author_name", flat=True)) == ["Ada", "Grace"]


def test_shared_caches_keep_a_page_no_longer_than_until_the_next_scheduled_change(client, settings):
    settings.PAGE_CACHE_SHARED_MAX_AGE = 3600
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        ArticleFactory(
            title="Coming in ten minutes", status=Article.Status.SCHEDULED, publish_at=now + timedelta(minutes=10)
        )
        first = get(client, "/")
    with time_machine.travel(now + timedelta(minutes=4), tick=False):
        again = get(client, "/")

    assert first["Cache-Control"] == "public, max-age=0, s-maxage=600"
    assert again["X-Page-Cache"] == "hit" and again["Cache-Control"] == "public, max-age=0, s-maxage=360"

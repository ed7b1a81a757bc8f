"""A scheduled article goes public at its publish time, to the microsecond, with nobody acting; the admin lists
what is coming up."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from tests.utils.factories import ArticleFactory, editor, moderator

pytestmark = pytest.mark.django_db

PUBLISH_AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
JUST_BEFORE = PUBLISH_AT - timedelta(microseconds=1)
CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def scheduled():
    with time_machine.travel(PUBLISH_AT - timedelta(days=2), tick=False):
        ArticleFactory(title="Already out", publish_at=PUBLISH_AT - timedelta(days=1))
        return ArticleFactory(
            title="The score that waited", status=Article.Status.SCHEDULED, publish_at=PUBLISH_AT, slug="waited"
        )


def public_pages(client) -> dict[str, str]:
    """What an anonymous reader gets from the article page, the home page, the feeds and the articles' sitemap."""
    pages = {}
    for name, url in [
        ("article", "/articles/waited/"),
        ("home", "/"),
        ("feed", "/feeds/rss/"),
        ("atom", "/feeds/atom/"),
        ("sitemap", "/sitemap-articles.xml"),
    ]:
        response = client.get(url)
        pages[name] = response.content.decode() if response.status_code == 200 else f"HTTP {response.status_code}"
    return pages


class TestThePublishTime:
    def test_one_microsecond_before_it_no_public_page_shows_the_article(self, client, scheduled):
        with time_machine.travel(JUST_BEFORE, tick=False):
            pages = public_pages(client)

        assert pages["article"] == "HTTP 404"
        for name in ("home", "feed", "atom", "sitemap"):
            assert "Already out" in pages[name] or "already-out" in pages[name], name
            assert "waited" not in pages[name], name

    def test_at_it_every_public_page_shows_the_article(self, client, scheduled):
        with time_machine.travel(PUBLISH_AT, tick=False):
            pages = public_pages(client)

        assert '<h1 id="article-title">The score that waited</h1>' in pages["article"]
        assert "The score that waited" in pages["home"]
        assert "http://testserver/articles/waited/" in pages["feed"]
        assert "http://testserver/articles/waited/" in pages["atom"]
        assert "<loc>http://testserver/articles/waited/</loc>" in pages["sitemap"]

    def test_the_article_page_is_not_a_preview_any_more_at_it(self, client, scheduled):
        client.force_login(editor())

        with time_machine.travel(JUST_BEFORE, tick=False):
            assertContains(client.get("/articles/waited/"), '<p class="preview-banner" role="note">')
        with time_machine.travel(PUBLISH_AT, tick=False):
            assertNotContains(client.get("/articles/waited/"), "preview-banner")

    @pytest.mark.page_cache
    def test_cached_pages_show_it_at_that_time_without_anyone_acting(self, client, scheduled):
        with time_machine.travel(JUST_BEFORE, tick=False):
            assert "waited" not in client.get("/").content.decode()
            assert client.get("/")["X-Page-Cache"] == "hit"
            assert client.get("/feeds/rss/")["X-Page-Cache"] == "miss"
            assert "waited" not in client.get("/feeds/rss/").content.decode()

        with time_machine.travel(PUBLISH_AT, tick=False):
            home, feed = client.get("/"), client.get("/feeds/rss/")

        assert (home["X-Page-Cache"], feed["X-Page-Cache"]) == ("miss", "miss")
        assertContains(home, "The score that waited")
        assertContains(feed, "http://testserver/articles/waited/")


class TestUpcomingArticles:
    @pytest.fixture
    def articles(self, scheduled):
        with time_machine.travel(PUBLISH_AT - timedelta(days=2), tick=False):
            later = ArticleFactory(
                title="Later still", status=Article.Status.SCHEDULED, publish_at=PUBLISH_AT + timedelta(days=3)
            )
            ArticleFactory(title="A draft", status=Article.Status.DRAFT, publish_at=PUBLISH_AT + timedelta(days=1))
        return scheduled, later

    def test_upcoming_means_scheduled_for_later_the_next_first(self, articles):
        with time_machine.travel(JUST_BEFORE, tick=False):
            assert [a.title for a in Article.objects.upcoming()] == ["The score that waited", "Later still"]
        with time_machine.travel(PUBLISH_AT, tick=False):
            assert [a.title for a in Article.objects.upcoming()] == ["Later still"]

    def test_the_article_changelist_filters_upcoming_articles(self, client, articles):
        client.force_login(editor())

        with time_machine.travel(JUST_BEFORE, tick=False):
            response = client.get(CHANGELIST, {"schedule": "upcoming"})

        assertContains(response, '<a href="?schedule=upcoming">Upcoming</a>', html=True)
        assert sorted(article.title for article in response.context["cl"].result_list) == [
            "Later still",
            "The score that waited",
        ]

    def test_the_admin_home_lists_what_is_coming_up_with_its_publish_time(self, client, articles):
        waited, later = articles
        client.force_login(editor())

        with time_machine.travel(JUST_BEFORE, tick=False):
            response = client.get(reverse("admin:index"))

        assertContains(
            response,
            f'<tr><th scope="row"><a href="{reverse("admin:articles_article_change", args=[waited.pk])}">'
            'The score that waited</a></th><td><time datetime="2026-06-01T12:00:00+00:00">1 June 2026, 12:00</time>'
            "</td></tr>",
            html=True,
        )
        html = response.content.decode()
        assert html.index("The score that waited") < html.index("Later still")
        assert "A draft" not in html and "Already out" not in html
        assertContains(response, f'href="{CHANGELIST}?schedule=upcoming"')

    def test_with_nothing_scheduled_the_panel_says_so(self, client):
        client.force_login(editor())

        assertContains(client.get(reverse("admin:index")), "No article is scheduled.")

    def test_staff_who_cannot_see_articles_get_no_panel(self, client, articles):
        client.force_login(moderator())

        assertNotContains(client.get(reverse("admin:index")), "Coming up")

"""Authors: the name readers see (never the login name), bylines, feeds and structured data that use it, the author
page, and the profile each staff author keeps in the admin."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.authors import admin_name, public_name
from articles.models import Article, Author
from pagecache.stamps import pages_stamp
from tests.utils.factories import ArticleFactory, UserFactory, editor, moderator
from tests.utils.feeds import DC_CREATOR, rss_channel
from tests.utils.html import get_page
from tests.utils.seo import graph_node, structured_data

pytestmark = pytest.mark.django_db

LOGIN = "ghostwriter7"


def writer(**kwargs):
    return UserFactory(username=LOGIN, is_staff=True, **kwargs)


def byline(client, article) -> str:
    meta = get_page(client, article.get_absolute_url()).find("p", class_="article-meta")
    return " ".join(meta.text.split())


class TestNames:
    def test_the_public_name_is_the_display_name_else_the_full_name_else_nothing(self):
        user = writer(first_name="Ada", last_name="Lovelace")
        assert public_name(user) == "Ada Lovelace"

        Author.objects.create(user=user, display_name="A. L.")
        user.refresh_from_db()
        assert public_name(user) == "A. L."

        nameless = UserFactory(username="handle", is_staff=True)
        assert public_name(nameless) == ""

    def test_the_admin_name_falls_back_to_the_login_name(self):
        assert admin_name(UserFactory(username="handle", is_staff=True)) == "handle"
        assert admin_name(writer(first_name="Ada", last_name="Lovelace")) == "Ada Lovelace"

    def test_a_readers_name_is_their_full_name_without_asking_for_a_profile(self, django_assert_num_queries):
        reader = UserFactory(first_name="June", last_name="Okafor")
        with django_assert_num_queries(0):
            assert public_name(reader) == "June Okafor"
        assert not isinstance(reader, AnonymousUser)


class TestBylines:
    def test_the_byline_names_the_author_by_their_display_name_and_links_their_page(self, client):
        article = ArticleFactory(author=writer(first_name="Ada", last_name="Lovelace"))
        Author.objects.filter(user=article.author).update(display_name="Ada L.")

        page = get_page(client, article.get_absolute_url())
        link = page.find("p", class_="article-meta").find("a")
        assert (link.text, link.attrs["href"], link.attrs["rel"]) == ("Ada L.", "/authors/ada-lovelace/", "author")

    def test_an_author_without_any_name_gets_no_byline_and_no_login_name_anywhere(self, client, settings):
        settings.FEEDS_FULL_TEXT = False
        article = ArticleFactory(author=writer())

        assert not byline(client, article).startswith("By")
        assert LOGIN not in client.get(article.get_absolute_url()).content.decode()
        assert "author" not in graph_node(structured_data(client, article), "BlogPosting")
        assert LOGIN not in client.get(reverse("articles:feed_rss")).content.decode()
        assert LOGIN not in client.get(reverse("articles:feed_atom")).content.decode()
        assert not Author.objects.with_page().exists()

    def test_feeds_and_structured_data_name_the_author_as_the_byline_does(self, client):
        article = ArticleFactory(author=writer(first_name="Ada", last_name="Lovelace"))
        Author.objects.filter(user=article.author).update(display_name="Ada L.")

        (item,) = rss_channel(client, reverse("articles:feed_rss")).findall("item")
        assert item.findtext(DC_CREATOR) == "Ada L."
        assert graph_node(structured_data(client, article), "BlogPosting")["author"] == {
            "@type": "Person",
            "name": "Ada L.",
            "url": "http://testserver/authors/ada-lovelace/",
        }

    def test_the_article_page_costs_no_query_more_for_its_author(self, client, settings):
        settings.DEBUG = False
        plain = ArticleFactory()
        authored = ArticleFactory(author=writer(first_name="Ada", last_name="Lovelace"))

        def queries(article) -> int:
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(article.get_absolute_url()).status_code == 200
            return len(captured)

        assert queries(authored) == queries(plain)


class TestTheAuthorPage:
    @pytest.fixture
    def ada(self):
        ada = writer(first_name="Ada", last_name="Lovelace")
        for n in range(3):
            ArticleFactory(title=f"Score {n}", author=ada, publish_at=timezone.now() - timedelta(days=n + 1))
        ArticleFactory(title="Her draft", author=ada, status=Article.Status.DRAFT, publish_at=None)
        ArticleFactory(title="Someone else's")
        return Author.objects.get(user=ada)

    def test_it_lists_the_authors_published_articles_newest_first_in_pages(self, client, settings, ada):
        settings.ARTICLES_PER_PAGE = 2
        url = reverse("articles:author", args=["ada-lovelace"])

        first = get_page(client, url)
        second = get_page(client, url + "?page=2")

        assert first.find("h1").text == "Ada Lovelace"
        titles = [h.text for page in (first, second) for h in page.find_all("h2", class_="card-title")]
        assert titles == ["Score 0", "Score 1", "Score 2"]
        assert first.find("link", rel="canonical").attrs["href"] == f"http://testserver{url}"

    def test_an_author_without_a_public_name_has_no_page(self, client):
        nameless = Author.objects.create(user=writer(), slug="someone")
        Author.objects.filter(pk=nameless.pk).update(slug="")

        assert client.get(reverse("articles:author", args=["someone"])).status_code == 404
        assert client.get(reverse("articles:author", args=[LOGIN])).status_code == 404

    def test_authors_with_published_articles_are_in_the_sitemap(self, client, ada):
        writer_of_drafts = editor(first_name="Only", last_name="Drafts")
        ArticleFactory(author=writer_of_drafts, status=Article.Status.DRAFT, publish_at=None)

        response = client.get(reverse("sitemap_section", args=["authors"]))
        assert "http://testserver/authors/ada-lovelace/" in response.content.decode()
        assert "only-drafts" not in response.content.decode()

    @pytest.mark.page_cache
    def test_the_page_is_cached_for_readers_and_a_new_name_shows_at_once(self, ada):
        url = reverse("articles:author", args=["ada-lovelace"])
        assert Client().get(url)["X-Page-Cache"] == "miss"
        assert Client().get(url)["X-Page-Cache"] == "hit"

        ada.display_name = "Ada L."
        ada.save()

        response = Client().get(url)
        assert response["X-Page-Cache"] == "miss"
        assert "Ada L." in response.content.decode()

    @pytest.mark.page_cache
    def test_a_user_saved_with_a_new_name_moves_the_stamp_but_signing_in_does_not(self, ada):
        before = pages_stamp()[0]
        Client().force_login(ada.user)
        assert pages_stamp()[0] == before

        ada.user.first_name = "Augusta"
        ada.user.save()
        assert pages_stamp()[0] != before

    def test_the_page_stays_within_the_budget_however_many_articles(self, client, settings, ada):
        settings.ARTICLES_PER_PAGE = 2
        url = reverse("articles:author", args=["ada-lovelace"])

        def queries() -> int:
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            return len(captured)

        few = queries()
        for n in range(6):
            article = ArticleFactory(author=ada.user, title=f"More {n}")
            article.tags.add(f"tag {n}")
        assert queries() == few <= 10


class TestTheProfileInTheAdmin:
    def test_a_staff_author_opens_their_profile_made_for_them_and_names_themselves(self, client):
        writer_who_moderates = moderator(username=LOGIN)
        client.force_login(writer_who_moderates)

        mine = reverse("admin:articles_author_mine")
        assert client.get(mine).status_code == 200
        author = Author.objects.get(user=writer_who_moderates)
        change = client.post(mine, {"display_name": "Ada L.", "slug": "", "bio": "Hi.\r\nThere."})

        assert change.url == reverse("admin:index")  # a moderator may not list the others' profiles
        author.refresh_from_db()
        assert (author.display_name, author.slug, author.bio) == ("Ada L.", "ada-l", "Hi.\nThere.")

    def test_staff_cannot_open_someone_elses_profile_but_editors_can(self, client):
        other = Author.objects.for_user(writer(first_name="Ada", last_name="Lovelace"))
        url = reverse("admin:articles_author_change", args=[other.pk])

        client.force_login(moderator())
        assert client.get(url).status_code == 403
        assert client.get(reverse("admin:articles_author_changelist")).status_code == 403

        client.force_login(editor())
        assert client.get(url).status_code == 200
        assert client.post(url, {"display_name": "Ada L.", "slug": "ada", "bio": ""}).status_code == 302
        other.refresh_from_db()
        assert other.display_name == "Ada L."

    def test_a_photo_needs_its_alt_text(self):
        author = Author(user=writer(), photo="authors/photos/ada.jpg")

        with pytest.raises(ValidationError) as error:
            author.clean()
        assert "photo_alt" in error.value.message_dict

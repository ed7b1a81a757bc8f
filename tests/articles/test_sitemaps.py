"""The sitemap, read with an XML parser, and robots.txt, read line by line."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from articles.models import Article
from articles.sitemaps import SITEMAPS, ArticleSitemap
from tests.utils.clock import NOW
from tests.utils.factories import ArticleFactory, ComposerFactory, TrackFactory, UserFactory, WorkFactory

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ORIGIN = "http://testserver"
# Pinned by measuring with 2 and 20 articles: the index counts each section (articles, the tags of published
# articles, composers, works, authors with published articles) and reads the articles' latest change; a section's
# page is a count and a page of rows.
SITEMAP_INDEX_QUERIES = 6
SITEMAP_PAGE_QUERIES = 2


def sitemap_pages(client) -> list[str]:
    """The <loc> of each page that /sitemap.xml, the sitemap index, lists."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    index = ET.fromstring(response.content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    return [entry.findtext(f"{SITEMAP}loc") for entry in index.findall(f"{SITEMAP}sitemap")]


def sitemap_page(client, loc: str) -> dict[str, str | None]:
    """Each <loc> of one sitemap page, with its <lastmod> (None when there is none)."""
    response = client.get(loc.removeprefix(ORIGIN))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    urlset = ET.fromstring(response.content)
    assert urlset.tag == f"{SITEMAP}urlset"
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urlset.findall(f"{SITEMAP}url")}


def sitemap(client) -> dict[str, str | None]:
    """Every <loc> of every page the sitemap index lists, with its <lastmod>."""
    urls = {}
    for loc in sitemap_pages(client):
        urls |= sitemap_page(client, loc)
    return urls


def absolute(path: str) -> str:
    return f"{ORIGIN}{path}"


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


class TestSitemap:
    def test_published_articles_are_listed_with_their_last_modification_date(self, client, now):
        with time_machine.travel(NOW - timedelta(days=10), tick=False):
            article = ArticleFactory(publish_at=NOW - timedelta(days=10))
        with time_machine.travel(NOW - timedelta(days=2), tick=False):
            article.save()

        urls = sitemap(client)

        assert urls[absolute(article.get_absolute_url())] == "2026-05-30"

    def test_drafts_and_articles_scheduled_for_the_future_are_never_listed(self, client, now):
        public = ArticleFactory(title="Public")
        hidden = [
            ArticleFactory(title="Draft", status=Article.Status.DRAFT, publish_at=None),
            ArticleFactory(title="Dated draft", status=Article.Status.DRAFT, publish_at=NOW - timedelta(days=2)),
            ArticleFactory(title="Tomorrow", status=Article.Status.SCHEDULED, publish_at=NOW + timedelta(days=1)),
        ]

        urls = sitemap(client)

        assert absolute(public.get_absolute_url()) in urls
        assert not {absolute(article.get_absolute_url()) for article in hidden} & urls.keys()

    def test_a_scheduled_article_is_listed_once_its_time_has_passed(self, client):
        scheduled = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=NOW + timedelta(hours=1))
        url = absolute(scheduled.get_absolute_url())

        with time_machine.travel(NOW, tick=False):
            assert url not in sitemap(client)
        with time_machine.travel(NOW + timedelta(hours=1), tick=False):
            assert url in sitemap(client)

    def test_only_tags_of_published_articles_are_listed(self, client, now):
        ArticleFactory().tags.add("FilmMusic")
        ArticleFactory(status=Article.Status.DRAFT, publish_at=None).tags.add("FilmMusic", "Secret")
        ArticleFactory(status=Article.Status.SCHEDULED, publish_at=NOW + timedelta(days=1)).tags.add("Upcoming")

        tag_urls = {loc for loc in sitemap(client) if loc.startswith(absolute("/tags/"))}

        assert tag_urls == {absolute(reverse("articles:tag", kwargs={"slug": "filmmusic"}))}

    def test_composers_and_works_are_listed(self, client, now):
        composer, work = ComposerFactory(), WorkFactory()

        urls = sitemap(client)

        assert absolute(composer.get_absolute_url()) in urls
        assert absolute(work.get_absolute_url()) in urls

    def test_every_location_is_an_absolute_url_of_a_page_that_answers(self, client, now):
        article = ArticleFactory()
        article.tags.add("FilmMusic")
        article.composers.add(ComposerFactory())

        urls = sitemap(client)

        assert len(urls) == 4  # the article, its tag, composer and work
        for loc in urls:
            assert loc.startswith(f"{ORIGIN}/")
            assert client.get(loc.removeprefix(ORIGIN)).status_code == 200

    def test_the_index_lists_each_section_and_pages_a_long_one(self, client, settings, now, monkeypatch):
        monkeypatch.setattr(ArticleSitemap, "limit", 2)
        articles = [ArticleFactory(publish_at=NOW - timedelta(days=n)) for n in range(5)]

        pages = sitemap_pages(client)

        sections = [absolute(reverse("sitemap_section", kwargs={"section": name})) for name in SITEMAPS]
        articles_page = sections[0]
        assert pages == [articles_page, f"{articles_page}?p=2", f"{articles_page}?p=3", *sections[1:]]
        assert list(sitemap_page(client, f"{articles_page}?p=3")) == [absolute(articles[4].get_absolute_url())]
        assert client.get(f"{reverse('sitemap_section', kwargs={'section': 'articles'})}?p=4").status_code == 404

    @pytest.mark.parametrize("size", [2, 20])
    def test_the_sitemap_costs_the_same_queries_however_many_pages(
        self, client, settings, now, size, django_assert_num_queries
    ):
        settings.PAGE_CACHE_SECONDS = 0  # measure what building the sitemap costs, not the page cache's bookkeeping
        for n in range(size):
            author = UserFactory(first_name="Writer", last_name=str(n), is_staff=True)
            article = ArticleFactory(work=TrackFactory().work, author=author)
            article.tags.add(f"tag-{n}")
            article.composers.add(ComposerFactory())

        with django_assert_num_queries(SITEMAP_INDEX_QUERIES):
            pages = sitemap_pages(client)
        urls = {}
        for loc in pages:
            with django_assert_num_queries(SITEMAP_PAGE_QUERIES):
                urls |= sitemap_page(client, loc)

        assert len(urls) == 5 * size


class TestRobotsTxt:
    def lines(self, client) -> list[str]:
        response = client.get("/robots.txt")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode().splitlines()

    def test_robots_txt_addresses_every_crawler_and_keeps_admin_search_and_comment_forms_out(self, client):
        lines = self.lines(client)

        assert lines[0] == "User-agent: *"
        disallowed = [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow:")]
        assert disallowed == ["/admin/", "/search/", "/comments/"]

    def test_robots_txt_names_the_sitemap_by_its_absolute_url(self, client):
        (sitemap_line,) = [line for line in self.lines(client) if line.startswith("Sitemap:")]

        url = sitemap_line.removeprefix("Sitemap: ")
        assert url == absolute(reverse("sitemap"))
        assert client.get(url.removeprefix(ORIGIN)).status_code == 200

    def test_articles_feeds_and_pages_stay_open_to_crawlers(self, client):
        disallowed = [line.removeprefix("Disallow: ") for line in self.lines(client) if line.startswith("Disallow:")]

        for path in ["/", "/articles/a/", "/tags/a/", "/composers/a/", "/works/a/", "/feeds/rss/", "/sitemap.xml"]:
            assert not any(path.startswith(prefix) for prefix in disallowed), path

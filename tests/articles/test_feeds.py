"""The RSS and Atom feeds, read with an XML parser: what they list, and with which links, dates and categories."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from django.urls import reverse

from articles.models import Article
from tests.utils.clock import NOW
from tests.utils.factories import (
    ArticleFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    UserFactory,
    WorkFactory,
)
from tests.utils.feeds import DC_CREATOR, get_xml, rss_channel
from tests.utils.html import get_page, parse_fragment

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
ORIGIN = "http://testserver"
# Pinned by measuring with 2 and 20 articles: the articles (with work and author joined), their tags and
# composers; with full text, their sections and featured tracks (tracks joined) too.
FEED_QUERIES = {False: 3, True: 5}


def rss_titles(client, url: str) -> list[str]:
    return [item.findtext("title") for item in rss_channel(client, url).findall("item")]


def atom_feed(client, url: str) -> ET.Element:
    feed = get_xml(client, url, "application/atom+xml")
    assert feed.tag == f"{ATOM}feed"
    return feed


def atom_titles(client, url: str) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in atom_feed(client, url).findall(f"{ATOM}entry")]


def published(title: str, *, days_ago: int, **kwargs) -> Article:
    return ArticleFactory(title=title, publish_at=NOW - timedelta(days=days_ago), **kwargs)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def reviewed_article(now):
    """Published a week ago by Ada Lovelace, tagged twice, edited an hour ago."""
    with time_machine.travel(NOW - timedelta(days=7), tick=False):
        author = UserFactory(username="ada", first_name="Ada", last_name="Lovelace")
        article = published("Why the score matters", days_ago=7, author=author, standfirst="An *underrated* score.")
        article.tags.add("FilmMusic", "UnderratedScores")
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        article.save()
    return article


class TestLatestArticlesFeeds:
    def test_the_rss_feed_names_the_site_and_lists_published_articles_newest_first(self, client, settings, now):
        published("Oldest", days_ago=3)
        published("Newest", days_ago=1)
        published("Middle", days_ago=2)

        channel = rss_channel(client, reverse("articles:feed_rss"))

        assert channel.findtext("title") == settings.SITE_NAME
        assert channel.findtext("link") == f"{ORIGIN}/"
        assert channel.findtext("description")
        assert [item.findtext("title") for item in channel.findall("item")] == ["Newest", "Middle", "Oldest"]

    def test_the_atom_feed_has_an_id_an_update_time_and_a_self_link(self, client, settings, reviewed_article):
        with time_machine.travel(NOW - timedelta(days=10), tick=False):
            published("Earlier", days_ago=10)

        feed = atom_feed(client, reverse("articles:feed_atom"))

        assert feed.findtext(f"{ATOM}title") == settings.SITE_NAME
        assert feed.findtext(f"{ATOM}id") == f"{ORIGIN}/"
        assert datetime.fromisoformat(feed.findtext(f"{ATOM}updated")) == NOW - timedelta(hours=1)
        assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{ORIGIN}{reverse('articles:feed_atom')}"
        assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == [reviewed_article.title, "Earlier"]

    @pytest.mark.parametrize("name", ["feed_rss", "feed_atom"])
    def test_drafts_and_articles_scheduled_for_the_future_never_appear(self, client, name, now):
        published("Public", days_ago=1)
        ArticleFactory(title="Draft", status=Article.Status.DRAFT, publish_at=None)
        ArticleFactory(title="Dated draft", status=Article.Status.DRAFT, publish_at=NOW - timedelta(days=2))
        ArticleFactory(title="Tomorrow", status=Article.Status.SCHEDULED, publish_at=NOW + timedelta(days=1))

        titles = rss_titles if name == "feed_rss" else atom_titles
        assert titles(client, reverse(f"articles:{name}")) == ["Public"]

    def test_a_scheduled_article_appears_once_its_time_has_passed(self, client):
        published("Already out", days_ago=1)
        ArticleFactory(title="Scheduled", status=Article.Status.SCHEDULED, publish_at=NOW + timedelta(hours=1))

        with time_machine.travel(NOW, tick=False):
            assert rss_titles(client, reverse("articles:feed_rss")) == ["Already out"]
            assert atom_titles(client, reverse("articles:feed_atom")) == ["Already out"]
        with time_machine.travel(NOW + timedelta(hours=1), tick=False):
            assert rss_titles(client, reverse("articles:feed_rss")) == ["Scheduled", "Already out"]
            assert atom_titles(client, reverse("articles:feed_atom")) == ["Scheduled", "Already out"]

    def test_feeds_hold_as_many_articles_as_the_setting_says(self, client, settings, now):
        settings.FEEDS_ITEMS = 3
        for day in range(5):
            published(f"Day {day}", days_ago=day + 1)

        assert rss_titles(client, reverse("articles:feed_rss")) == ["Day 0", "Day 1", "Day 2"]
        assert len(atom_titles(client, reverse("articles:feed_atom"))) == 3


class TestFeedItems:
    def test_an_rss_item_has_its_link_guid_dates_author_and_tags(self, client, reviewed_article):
        (item,) = rss_channel(client, reverse("articles:feed_rss")).findall("item")

        url = f"{ORIGIN}{reviewed_article.get_absolute_url()}"
        assert item.findtext("link") == url
        assert item.findtext("guid") == url
        assert parsedate_to_datetime(item.findtext("pubDate")) == NOW - timedelta(days=7)
        assert item.findtext(DC_CREATOR) == "Ada Lovelace"
        assert sorted(category.text for category in item.findall("category")) == ["FilmMusic", "UnderratedScores"]

    def test_an_atom_entry_has_its_id_link_published_and_updated_times_author_and_tags(self, client, reviewed_article):
        (entry,) = atom_feed(client, reverse("articles:feed_atom")).findall(f"{ATOM}entry")

        url = f"{ORIGIN}{reviewed_article.get_absolute_url()}"
        assert entry.findtext(f"{ATOM}id") == url
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == url
        assert datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == NOW - timedelta(days=7)
        assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == NOW - timedelta(hours=1)
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ada Lovelace"
        terms = sorted(category.get("term") for category in entry.findall(f"{ATOM}category"))
        assert terms == ["FilmMusic", "UnderratedScores"]

    def test_an_article_without_an_author_has_none_in_the_feeds(self, client, now):
        published("Anonymous", days_ago=1)

        (item,) = rss_channel(client, reverse("articles:feed_rss")).findall("item")
        (entry,) = atom_feed(client, reverse("articles:feed_atom")).findall(f"{ATOM}entry")
        assert item.find(DC_CREATOR) is None
        assert entry.find(f"{ATOM}author") is None

    def test_an_author_who_gave_no_name_is_not_named_by_their_username(self, client, now):
        published("By a handle", days_ago=1, author=UserFactory(username="scorehound"))

        (item,) = rss_channel(client, reverse("articles:feed_rss")).findall("item")
        (entry,) = atom_feed(client, reverse("articles:feed_atom")).findall(f"{ATOM}entry")
        assert item.find(DC_CREATOR) is None
        assert entry.find(f"{ATOM}author") is None

    def test_an_ampersand_in_a_title_reads_right_in_atom_and_as_html_in_rss(self, client, now):
        published("Tom & Jerry's score", days_ago=1)

        assert atom_titles(client, reverse("articles:feed_atom")) == ["Tom & Jerry's score"]
        # RSS readers take titles as HTML, so Django escapes them once more (its ticket #6533).
        assert rss_titles(client, reverse("articles:feed_rss")) == ["Tom &amp; Jerry&#x27;s score"]


@pytest.fixture
def article_with_sections(now):
    article = published("Full of sections", days_ago=1, standfirst="An *underrated* score.")
    SectionFactory(article=article, heading="Emotional depth", body="The **strings** carry it.")
    conclusion = SectionFactory(article=article, heading="Worth celebrating", numbered=False, body="Listen again.")
    FeaturedTrackFactory(
        article=article, track=TrackFactory(work=article.work, title="Harvest of Light"), note="The *choir*."
    )
    # A row tampered with in the database: the feed sanitizes stored HTML on the way out, like the page does.
    type(conclusion).objects.filter(pk=conclusion.pk).update(body_html="<p>Listen again.</p><script>alert(1)</script>")
    return article


class TestFeedContent:
    @pytest.mark.parametrize("full_text", [False, True])
    def test_the_description_holds_the_standfirst_as_html(self, client, settings, article_with_sections, full_text):
        settings.FEEDS_FULL_TEXT = full_text

        (item,) = rss_channel(client, reverse("articles:feed_rss")).findall("item")

        description = parse_fragment(item.findtext("description"))
        assert description.find_all("p")[0].text == "An underrated score."
        assert description.find_all("p")[0].find("em").text == "underrated"

    def test_by_default_the_feeds_hold_a_summary_and_not_the_sections(self, client, article_with_sections):
        (item,) = rss_channel(client, reverse("articles:feed_rss")).findall("item")
        (entry,) = atom_feed(client, reverse("articles:feed_atom")).findall(f"{ATOM}entry")

        assert parse_fragment(item.findtext("description")).find_all("h2") == []
        assert parse_fragment(entry.findtext(f"{ATOM}summary")).find_all("h2") == []

    def test_with_full_text_on_the_feeds_hold_every_section_and_featured_track(
        self, client, settings, article_with_sections
    ):
        settings.FEEDS_FULL_TEXT = True

        (entry,) = atom_feed(client, reverse("articles:feed_atom")).findall(f"{ATOM}entry")

        content = parse_fragment(entry.findtext(f"{ATOM}summary"))
        assert [h2.text for h2 in content.find_all("h2")] == [
            "1. Emotional depth",
            "Worth celebrating",
            "Featured tracks",
        ]
        assert [strong.text for strong in content.find_all("strong")] == ["strings", "Harvest of Light"]
        assert [li.find("strong").text for li in content.find("ol").find_all("li")] == ["Harvest of Light"]
        assert content.find("ol").find("em").text == "choir"
        assert content.find_all("script") == []
        assert "alert" not in content.text

    @pytest.mark.parametrize("size", [2, 20])
    @pytest.mark.parametrize("full_text", [False, True])
    def test_a_feed_costs_the_same_queries_however_many_articles(
        self, client, settings, now, size, full_text, django_assert_num_queries
    ):
        settings.FEEDS_FULL_TEXT = full_text
        settings.PAGE_CACHE_SECONDS = 0  # measure what building the feed costs, not the page cache's bookkeeping
        for n in range(size):
            article = published(f"Article {n}", days_ago=n + 1, author=UserFactory())
            article.tags.add("Soundtrack", f"extra-{n}")
            FeaturedTrackFactory(article=article, section=SectionFactory(article=article))

        with django_assert_num_queries(FEED_QUERIES[full_text]):
            items = rss_channel(client, reverse("articles:feed_rss")).findall("item")

        assert len(items) == size


FEEDS_OF_A_PAGE = ["tag", "composer", "work"]


@pytest.fixture
def subjects(now):
    """A tag, a composer and a work, each with one published article, one draft and one of another subject."""
    composer, work = ComposerFactory(name="Ilse Varnholt"), WorkFactory(title="The Glass Orchard")
    for title, status in [("Theirs", Article.Status.PUBLISHED), ("Their draft", Article.Status.DRAFT)]:
        article = published(title, days_ago=1, status=status, work=work)
        article.tags.add("FilmMusic")
        article.composers.add(composer)
    published("Someone else's", days_ago=2).tags.add("GameMusic")
    return {"tag": "filmmusic", "composer": composer.slug, "work": work.slug}


class TestFeedsOfATagAComposerAndAWork:
    @pytest.mark.parametrize("subject", FEEDS_OF_A_PAGE)
    def test_the_feeds_list_only_the_subjects_published_articles(self, client, subjects, subject):
        kwargs = {"slug": subjects[subject]}

        assert rss_titles(client, reverse(f"articles:{subject}_feed_rss", kwargs=kwargs)) == ["Theirs"]
        assert atom_titles(client, reverse(f"articles:{subject}_feed_atom", kwargs=kwargs)) == ["Theirs"]

    @pytest.mark.parametrize(
        ("subject", "title", "page"),
        [
            ("tag", "#FilmMusic", "/tags/filmmusic/"),
            ("composer", "Ilse Varnholt", "/composers/ilse-varnholt/"),
            ("work", "The Glass Orchard (2017)", "/works/the-glass-orchard/"),
        ],
    )
    def test_the_feeds_are_named_after_the_subject_and_link_to_its_page(
        self, client, settings, subjects, subject, title, page
    ):
        kwargs = {"slug": subjects[subject]}

        channel = rss_channel(client, reverse(f"articles:{subject}_feed_rss", kwargs=kwargs))
        feed = atom_feed(client, reverse(f"articles:{subject}_feed_atom", kwargs=kwargs))

        assert channel.findtext("title") == f"{title} · {settings.SITE_NAME}"
        assert channel.findtext("link") == f"{ORIGIN}{page}"
        assert feed.findtext(f"{ATOM}title") == f"{title} · {settings.SITE_NAME}"
        assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == f"{ORIGIN}{page}"
        assert feed.findtext(f"{ATOM}subtitle") == channel.findtext("description")

    @pytest.mark.parametrize("subject", FEEDS_OF_A_PAGE)
    @pytest.mark.parametrize("feed_type", ["rss", "atom"])
    def test_the_feed_of_an_unknown_subject_is_not_found(self, client, subject, feed_type):
        url = reverse(f"articles:{subject}_feed_{feed_type}", kwargs={"slug": "nothing-here"})

        assert client.get(url).status_code == 404


class TestFeedLinksOnPages:
    def alternates(self, client, url: str) -> dict[str, str]:
        links = get_page(client, url).find("head").find_all("link", rel="alternate")
        return {link.attrs["type"]: link.attrs["href"] for link in links}

    def test_the_home_page_links_the_sites_feeds(self, client, now):
        published("Public", days_ago=1)

        assert self.alternates(client, reverse("articles:home")) == {
            "application/rss+xml": reverse("articles:feed_rss"),
            "application/atom+xml": reverse("articles:feed_atom"),
        }

    @pytest.mark.parametrize("subject", FEEDS_OF_A_PAGE)
    def test_tag_composer_and_work_pages_link_their_own_feeds(self, client, subjects, subject):
        kwargs = {"slug": subjects[subject]}

        alternates = self.alternates(client, reverse(f"articles:{subject}", kwargs=kwargs))

        assert alternates == {
            "application/rss+xml": reverse(f"articles:{subject}_feed_rss", kwargs=kwargs),
            "application/atom+xml": reverse(f"articles:{subject}_feed_atom", kwargs=kwargs),
        }
        for href in alternates.values():
            assert client.get(href).status_code == 200

"""What search engines and sharing previews read in a page's head: canonical URL, descriptions, Open Graph and
Twitter tags, and the JSON-LD structured data, parsed as HTML and as JSON."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from articles.models import Work
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
from tests.utils.html import Node, get_page, parse
from tests.utils.seo import graph_node, json_ld, meta, structured_data

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"


def head(client, url: str) -> Node:
    return get_page(client, url).find("head")


@pytest.fixture
def article():
    """Published a week ago by Ada Lovelace, edited an hour ago; about a 2019 TV show; two tracks featured."""
    with time_machine.travel(NOW - timedelta(days=7), tick=False):
        work = WorkFactory(title="The Glass Orchard", kind=Work.Kind.TV, year=2019, imdb_id="tt1234567")
        article = ArticleFactory(
            title="Why this score matters",
            slug="why-this-score-matters",
            standfirst="An *underrated* score.",  # 3 words
            work=work,
            author=UserFactory(first_name="Ada", last_name="Lovelace", is_staff=True),
            seo_description="Why the score of The Glass Orchard deserves a place among the great ones.",
            publish_at=NOW - timedelta(days=7),
        )
        article.composers.add(ComposerFactory(name="Ilse Varnholt"))
        article.tags.add("FilmMusic", "UnderratedScores")
        SectionFactory(article=article, heading="Emotional depth", body="One two three.")  # 5 words
        lament = TrackFactory(work=work, title="The Keeper's Lament", duration=timedelta(minutes=4, seconds=12))
        lament.composers.add(ComposerFactory(name="Aurelio Brant", wikidata_id="Q42"))
        FeaturedTrackFactory(article=article, track=lament, note="Listen for the *cello*.")  # 4 words
        FeaturedTrackFactory(
            article=article, track=TrackFactory(work=work, title="Harvest of Light", duration=None), note=""
        )
    with time_machine.travel(NOW - timedelta(hours=1), tick=False):
        article.save()
    return article


class TestCanonicalUrl:
    def test_the_article_page_names_its_absolute_url_whatever_the_query_string(self, client, article):
        page_head = head(client, article.get_absolute_url() + "?picked=1&utm_source=newsletter")

        assert page_head.find("link", rel="canonical").attrs["href"] == f"{ORIGIN}/articles/why-this-score-matters/"

    @pytest.mark.parametrize("name", ["home", "tag", "composer", "work"])
    def test_list_pages_name_their_absolute_url_whatever_the_query_string(self, client, article, name):
        url = {
            "home": reverse("articles:home"),
            "tag": reverse("articles:tag", kwargs={"slug": "filmmusic"}),
            "composer": article.composers.get().get_absolute_url(),
            "work": article.work.get_absolute_url(),
        }[name]

        page_head = head(client, url + "?utm_source=newsletter&page=1")

        assert page_head.find("link", rel="canonical").attrs["href"] == f"{ORIGIN}{url}"

    def test_a_later_page_of_a_list_keeps_its_page_number_and_nothing_else(self, client, settings):
        settings.ARTICLES_PER_PAGE = 1
        ArticleFactory.create_batch(2)

        page_head = head(client, reverse("articles:home") + "?utm_source=x&page=2")

        assert page_head.find("link", rel="canonical").attrs["href"] == f"{ORIGIN}/?page=2"

    def test_search_results_have_no_canonical_url_nor_sharing_tags(self, client, article):
        page_head = head(client, reverse("articles:search") + "?q=score")

        assert page_head.find_all("link", rel="canonical") == []
        assert [node for node in page_head.find_all("meta") if "og:" in node.attrs.get("property", "")] == []

    def test_the_not_found_page_has_no_canonical_url_nor_sharing_tags(self, client):
        response = client.get("/articles/nothing-here/")

        page_head = parse(response).find("head")
        assert response.status_code == 404
        assert page_head.find_all("link", rel="canonical") == []
        assert [node for node in page_head.find_all("meta") if "og:" in node.attrs.get("property", "")] == []


class TestSharingTags:
    def test_an_article_is_described_for_search_engines_and_sharing_previews(self, client, settings, article):
        page_head = head(client, article.get_absolute_url())

        description = "Why the score of The Glass Orchard deserves a place among the great ones."
        url = f"{ORIGIN}/articles/why-this-score-matters/"
        assert meta(page_head, name="description") == description
        assert meta(page_head, property="og:type") == "article"
        assert meta(page_head, property="og:title") == "Why this score matters"
        assert meta(page_head, property="og:description") == description
        assert meta(page_head, property="og:url") == url
        assert meta(page_head, property="og:site_name") == settings.SITE_NAME
        assert datetime.fromisoformat(meta(page_head, property="article:published_time")) == NOW - timedelta(days=7)
        assert datetime.fromisoformat(meta(page_head, property="article:modified_time")) == NOW - timedelta(hours=1)
        tags = [node.attrs["content"] for node in page_head.find_all("meta", property="article:tag")]
        assert sorted(tags) == ["FilmMusic", "UnderratedScores"]
        assert meta(page_head, name="twitter:card") == "summary"
        assert meta(page_head, name="twitter:title") == "Why this score matters"
        assert meta(page_head, name="twitter:description") == description

    def test_without_an_seo_description_the_standfirst_describes_the_article(self, client):
        article = ArticleFactory(standfirst="A score that *deserves* more.")

        page_head = head(client, article.get_absolute_url())

        assert meta(page_head, name="description") == "A score that deserves more."
        assert meta(page_head, property="og:description") == "A score that deserves more."

    @pytest.mark.parametrize(
        ("name", "title", "description"),
        [
            ("home", "Soundtrack Notes", "Long-form writing about film, TV and game soundtracks."),
            ("tag", "#FilmMusic", "Articles tagged #FilmMusic."),
            ("composer", "Ilse Varnholt", "Ilse Varnholt: biography and articles about their scores."),
            (
                "work",
                "The Glass Orchard (2019)",
                "The soundtrack of The Glass Orchard (2019): track list and articles.",
            ),
        ],
    )
    def test_list_pages_are_shared_as_websites(self, client, settings, article, name, title, description):
        settings.SITE_NAME = "Soundtrack Notes"
        url = {
            "home": reverse("articles:home"),
            "tag": reverse("articles:tag", kwargs={"slug": "filmmusic"}),
            "composer": article.composers.get().get_absolute_url(),
            "work": article.work.get_absolute_url(),
        }[name]

        page_head = head(client, url)

        assert meta(page_head, property="og:type") == "website"
        assert meta(page_head, property="og:title") == title
        assert meta(page_head, name="description") == description
        assert meta(page_head, property="og:description") == description
        assert meta(page_head, property="og:url") == f"{ORIGIN}{url}"
        assert meta(page_head, name="twitter:card") == "summary"
        assert page_head.find_all("script", type="application/ld+json") == []

    def test_quotes_and_angle_brackets_in_a_title_stay_inside_the_attribute(self, client):
        article = ArticleFactory(title='The "Lament" <b>theme</b> & more')

        page_head = head(client, article.get_absolute_url())

        assert meta(page_head, property="og:title") == 'The "Lament" <b>theme</b> & more'
        assert page_head.find_all("b") == []


class TestStructuredData:
    def test_the_article_page_holds_a_blog_posting_and_its_breadcrumbs(self, client, article):
        data = structured_data(client, article)

        assert data["@context"] == "https://schema.org"
        assert sorted(node["@type"] for node in data["@graph"]) == ["BlogPosting", "BreadcrumbList"]

    def test_the_blog_posting_describes_the_article(self, client, settings, article):
        posting = graph_node(structured_data(client, article), "BlogPosting")

        url = f"{ORIGIN}/articles/why-this-score-matters/"
        assert posting["headline"] == "Why this score matters"
        assert posting["description"] == article.seo_description
        assert posting["url"] == url
        assert posting["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
        assert datetime.fromisoformat(posting["datePublished"]) == NOW - timedelta(days=7)
        assert datetime.fromisoformat(posting["dateModified"]) == NOW - timedelta(hours=1)
        author_page = f"{ORIGIN}/authors/ada-lovelace/"
        assert posting["author"] == {"@type": "Person", "name": "Ada Lovelace", "url": author_page}
        assert posting["publisher"] == {"@type": "Organization", "name": settings.SITE_NAME, "url": f"{ORIGIN}/"}
        assert sorted(posting["keywords"]) == ["FilmMusic", "UnderratedScores"]
        assert posting["wordCount"] == len(article.title.split()) + 3 + 5 + 4  # title, standfirst, section, note

    def test_an_article_without_an_author_names_none(self, client):
        posting = graph_node(structured_data(client, ArticleFactory(author=None)), "BlogPosting")

        assert "author" not in posting

    @pytest.mark.parametrize(
        ("kind", "schema_type"),
        [(Work.Kind.FILM, "Movie"), (Work.Kind.TV, "TVSeries"), (Work.Kind.GAME, "VideoGame")],
    )
    def test_the_blog_posting_is_about_the_work_typed_by_its_kind(self, client, kind, schema_type):
        work = WorkFactory(title="The Glass Orchard", kind=kind, year=2019, imdb_id="tt1234567", wikidata_id="Q42")

        about = graph_node(structured_data(client, ArticleFactory(work=work)), "BlogPosting")["about"]

        assert about == {
            "@type": schema_type,
            "name": "The Glass Orchard",
            "datePublished": "2019",
            "sameAs": ["https://www.wikidata.org/wiki/Q42", "https://www.imdb.com/title/tt1234567/"],
        }

    def test_a_work_without_a_year_or_links_leaves_them_out(self, client):
        work = WorkFactory(title="Untitled", year=None)

        about = graph_node(structured_data(client, ArticleFactory(work=work)), "BlogPosting")["about"]

        assert about == {"@type": "Movie", "name": "Untitled"}

    def test_each_featured_track_is_mentioned_as_a_recording_of_its_composers_piece(self, client, article):
        mentions = graph_node(structured_data(client, article), "BlogPosting")["mentions"]

        assert mentions == [
            {
                "@type": "MusicRecording",
                "name": "The Keeper's Lament",
                "duration": "PT4M12S",
                "recordingOf": {
                    "@type": "MusicComposition",
                    "name": "The Keeper's Lament",
                    "composer": [
                        {"@type": "Person", "name": "Aurelio Brant", "sameAs": ["https://www.wikidata.org/wiki/Q42"]}
                    ],
                },
            },
            {
                # No duration known; no composer of its own, so the article's.
                "@type": "MusicRecording",
                "name": "Harvest of Light",
                "recordingOf": {
                    "@type": "MusicComposition",
                    "name": "Harvest of Light",
                    "composer": [{"@type": "Person", "name": "Ilse Varnholt"}],
                },
            },
        ]

    def test_the_breadcrumbs_lead_from_home_through_the_work_to_the_article(self, client, settings, article):
        crumbs = graph_node(structured_data(client, article), "BreadcrumbList")["itemListElement"]

        assert crumbs == [
            {"@type": "ListItem", "position": 1, "name": settings.SITE_NAME, "item": f"{ORIGIN}/"},
            {
                "@type": "ListItem",
                "position": 2,
                "name": "The Glass Orchard",
                "item": f"{ORIGIN}/works/the-glass-orchard/",
            },
            {
                "@type": "ListItem",
                "position": 3,
                "name": "Why this score matters",
                "item": f"{ORIGIN}/articles/why-this-score-matters/",
            },
        ]

    def test_a_closing_script_tag_in_any_text_cannot_break_out_of_the_block(self, client):
        hostile = "</script><script>alert(1)</script>"
        article = ArticleFactory(title=f"Title {hostile}", seo_description=f"Description {hostile}")
        track = TrackFactory(work=article.work, title=f"Track {hostile}")
        track.composers.add(ComposerFactory(name=f"Composer {hostile}"))
        FeaturedTrackFactory(article=article, track=track, note=f"Note {hostile}")

        response = client.get(article.get_absolute_url())

        page = parse(response)
        scripts = page.find_all("script")
        assert [script.attrs.get("type") for script in scripts if "src" not in script.attrs] == ["application/ld+json"]
        assert [script.attrs["src"] for script in scripts if "src" in script.attrs] == [
            "/static/js/staff-links.js",
            "/static/js/players.js",
            "/static/js/comment-form.js",
        ]
        posting = graph_node(json_ld(page), "BlogPosting")
        assert posting["headline"] == f"Title {hostile}"
        assert posting["description"] == f"Description {hostile}"
        assert posting["mentions"][0]["name"] == f"Track {hostile}"
        assert posting["mentions"][0]["recordingOf"]["composer"][0]["name"] == f"Composer {hostile}"
        assert "<script>alert" not in response.content.decode()

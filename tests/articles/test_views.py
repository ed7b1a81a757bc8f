"""Every public page, through the test client: what readers see, what they must not, and what it costs."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertTemplateUsed
from taggit.models import Tag

from articles.models import Article, Work
from tests.utils.budgets import ARTICLE_PAGE_QUERIES, LIST_PAGE_MAX_QUERIES
from tests.utils.clock import NOW, ago, from_now
from tests.utils.factories import (
    ArticleFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    UserFactory,
    WorkFactory,
    editor,
)
from tests.utils.html import Node, get_page, parse

pytestmark = pytest.mark.django_db

DRAFT, SCHEDULED = Article.Status.DRAFT, Article.Status.SCHEDULED
PER_PAGE = settings.ARTICLES_PER_PAGE


def card_titles(page: Node) -> list[str]:
    return [card.find("h2", class_="card-title").text for card in page.find_all("article", class_="card")]


def assert_not_found_page(response) -> None:
    assert response.status_code == 404
    assertTemplateUsed(response, "404.html")
    page = parse(response)
    assert page.find("h1").text == "Page not found"
    assert page.find("meta", name="robots").attrs["content"] == "noindex"


def minutes(m: int, s: int = 0, *, h: int = 0) -> timedelta:
    return timedelta(hours=h, minutes=m, seconds=s)


def words(n: int) -> str:
    return " ".join(["music"] * n)


@pytest.fixture
def known_article(settings):
    """An article whose every figure is known: 613 words to read, 7:35 of featured music."""
    settings.READING_WORDS_PER_MINUTE = 230
    work = WorkFactory(title="The Glass Orchard", kind=Work.Kind.TV, year=2019)
    lament = TrackFactory(work=work, position=2, title="The Keeper's Lament", duration=minutes(4, 12))
    harvest = TrackFactory(work=work, position=3, title="Harvest of Light", duration=minutes(3, 23))
    TrackFactory(work=work, position=1, title="Not featured", duration=minutes(10))
    article = ArticleFactory(
        title="Why this score matters",  # 4 words
        standfirst="An *underrated* score, " + words(97),  # 100 words
        work=work,
        seo_description="Why the score of The Glass Orchard deserves a place among the great ones.",
    )
    article.composers.add(ComposerFactory(name="Ilse Varnholt"), ComposerFactory(name="Aurelio Brant"))
    article.tags.add("FilmMusic", "UnderratedScores")
    headings = ["Emotional depth", "Bold instruments", "Memorable themes", "Quiet restraint",
                "Cultural roots", "Unsung composer", "Worth celebrating"]  # fmt: skip
    sections = [
        SectionFactory(  # 2 + 65 words each, 469 in all
            article=article,
            position=position,
            heading=heading,
            numbered=position < 7,
            body=f"Section {position} has **bold** words.\n\n" + words(60),
        )
        for position, heading in enumerate(headings, start=1)
    ]
    FeaturedTrackFactory(  # 20 words
        article=article,
        track=lament,
        section=sections[0],
        appears_in="the night the keeper buries his brother",
        moments=[34 * 60 + 10, 3600 + 2 * 60, 3600 + 50 * 60 + 1],
        listening_url="https://www.youtube.com/watch?v=keepers-lament",
        note="Listen for the *cello*. " + words(16),
    )
    FeaturedTrackFactory(  # 20 words
        article=article,
        track=harvest,
        section=sections[2],
        appears_in="",
        moments=[3600 + 41 * 60 + 5],
        listening_url="",
        note="The choir arrives **at last**. " + words(15),
    )
    return article


def article_with(n: int, **kwargs) -> Article:
    """A published article with n composers, tags, sections and featured tracks (each in its own section)."""
    article = ArticleFactory(**kwargs)
    article.composers.add(*ComposerFactory.create_batch(n))
    article.tags.add(*[f"{article.slug}-tag-{i}" for i in range(n)])
    for i in range(n):
        section = SectionFactory(article=article, numbered=i < n - 1)
        FeaturedTrackFactory(
            article=article,
            section=section,
            appears_in="a scene",
            moments=[(i + 1) * 60],
            listening_url="https://open.spotify.com/track/abc",
        )
    return article


class TestHomePage:
    def test_home_lists_published_articles_newest_first(self, client):
        ArticleFactory(title="Oldest", publish_at=ago(days=3))
        ArticleFactory(title="Newest", publish_at=ago(hours=1))
        ArticleFactory(title="Middle", publish_at=ago(days=2))

        page = get_page(client, reverse("articles:home"))

        assert card_titles(page) == ["Newest", "Middle", "Oldest"]

    def test_home_never_lists_drafts_or_articles_scheduled_for_the_future(self, client):
        ArticleFactory(title="Public")
        ArticleFactory(title="Draft", status=DRAFT, publish_at=None)
        ArticleFactory(title="Dated draft", status=DRAFT, publish_at=ago(days=2))
        ArticleFactory(title="Tomorrow", status=SCHEDULED, publish_at=from_now(days=1))

        assert card_titles(get_page(client, reverse("articles:home"))) == ["Public"]

    def test_home_shows_a_scheduled_article_once_its_time_has_passed(self, client):
        ArticleFactory(title="Already out", publish_at=NOW - timedelta(days=1))
        ArticleFactory(title="Scheduled", status=SCHEDULED, publish_at=NOW + timedelta(hours=1))

        with time_machine.travel(NOW, tick=False):
            assert card_titles(get_page(client, reverse("articles:home"))) == ["Already out"]
        with time_machine.travel(NOW + timedelta(hours=1), tick=False):
            assert card_titles(get_page(client, reverse("articles:home"))) == ["Scheduled", "Already out"]

    def test_an_empty_home_page_says_there_are_no_articles_yet(self, client):
        page = get_page(client, reverse("articles:home"))

        assert page.find("p", class_="empty").text == "No articles yet."

    def test_home_is_paginated_and_the_second_page_has_the_older_articles(self, client):
        for day in range(PER_PAGE + 1):
            ArticleFactory(title=f"Day {day}", publish_at=ago(days=day + 1))

        first = get_page(client, reverse("articles:home"))
        second = get_page(client, reverse("articles:home") + "?page=2")

        assert card_titles(first) == [f"Day {day}" for day in range(PER_PAGE)]
        assert card_titles(second) == [f"Day {PER_PAGE}"]
        assert first.find("nav", aria_label="Pages").find("a", rel="next").attrs["href"] == "?page=2"
        assert second.find("nav", aria_label="Pages").find("a", rel="prev").attrs["href"] == "?page=1"
        assert "Page 2 of 2" in second.find("nav", aria_label="Pages").text

    def test_a_page_past_the_end_is_not_found(self, client):
        ArticleFactory()

        assert_not_found_page(client.get(reverse("articles:home") + "?page=2"))
        assert_not_found_page(client.get(reverse("articles:home") + "?page=nonsense"))

    def test_a_card_links_to_the_article_its_work_and_its_composers_and_tags(self, client):
        article = ArticleFactory(title="A card")
        composer = ComposerFactory(name="Ilse Varnholt")
        article.composers.add(composer)
        article.tags.add("GameMusic")

        card = get_page(client, reverse("articles:home")).find("article", class_="card")

        hrefs = {a.text: a.attrs["href"] for a in card.find_all("a")}
        assert hrefs == {
            "A card": article.get_absolute_url(),
            str(article.work): article.work.get_absolute_url(),
            "Ilse Varnholt": composer.get_absolute_url(),
            "#GameMusic": reverse("articles:tag", kwargs={"slug": "gamemusic"}),
        }
        assert card.find("div", class_="card-standfirst").find("em").text == "underrated"


class TestArticlePage:
    def test_the_article_page_shows_the_title_and_the_standfirst_from_markdown(self, client, known_article):
        page = get_page(client, known_article.get_absolute_url())

        assert page.find("h1").text == "Why this score matters"
        standfirst = page.find("div", class_="standfirst")
        assert standfirst.text.startswith("An underrated score, music music")
        assert standfirst.find("em").text == "underrated"

    def test_numbered_sections_show_their_number_and_the_conclusion_none(self, client, known_article):
        page = get_page(client, known_article.get_absolute_url())

        headings = [section.find("h2").text for section in page.find_all("section", class_="article-section")]
        assert headings == [
            "1. Emotional depth",
            "2. Bold instruments",
            "3. Memorable themes",
            "4. Quiet restraint",
            "5. Cultural roots",
            "6. Unsung composer",
            "Worth celebrating",
        ]
        toc = [a.text for a in page.find("nav", class_="toc").find_all("a")]
        assert toc == headings

    def test_section_bodies_are_rendered_from_markdown(self, client, known_article):
        page = get_page(client, known_article.get_absolute_url())

        for position in range(1, 8):
            section = page.find("section", id=f"section-{position}")
            assert section.find_all("p")[0].text == f"Section {position} has bold words."
            assert section.find("strong").text == "bold"
            assert "**" not in section.text

    def test_featured_tracks_show_duration_note_where_they_play_and_a_link(self, client, known_article):
        page = get_page(client, known_article.get_absolute_url())

        tracks = page.find("ol", class_="featured-track-list")
        lament, harvest = tracks.find_all("li", class_="featured-track")
        assert lament.find("h3").text == "The Keeper's Lament 4:12"
        assert lament.find("time", class_="track-duration").attrs["datetime"] == "PT4M12S"
        where = lament.find("p", class_="featured-track-where")
        assert where.text == "Plays in the night the keeper buries his brother at 34:10, 1:02:00 and 1:50:01"
        assert [time.attrs["datetime"] for time in where.find_all("time")] == ["PT34M10S", "PT1H2M0S", "PT1H50M1S"]
        assert lament.find("div", class_="prose").find("em").text == "cello"
        assert lament.find("p", class_="featured-track-section").find("a").attrs["href"] == "#section-1"
        link = lament.find("a", class_="listen-link")
        assert link.attrs["href"] == "https://www.youtube.com/watch?v=keepers-lament"
        assert link.text == "Listen on YouTube: “The Keeper's Lament”"
        assert "external" in link.attrs["rel"].split()

        assert harvest.find("h3").text == "Harvest of Light 3:23"
        assert harvest.find("p", class_="featured-track-where").text == "Plays at 1:41:05"
        assert harvest.find("div", class_="prose").find("strong").text == "at last"
        assert harvest.find_all("a", class_="listen-link") == []

    def test_a_section_lists_the_featured_tracks_it_discusses(self, client, known_article):
        page = get_page(client, known_article.get_absolute_url())

        listen_along = page.find("section", id="section-1").find("p", class_="section-tracks")
        links = [(a.text, a.attrs["href"]) for a in listen_along.find_all("a")]
        assert links == [("The Keeper's Lament", "#track-1")]
        assert page.find("section", id="section-2").find_all("p", class_="section-tracks") == []

    def test_the_article_page_links_to_the_work_and_its_composers(self, client, known_article):
        page = get_page(client, known_article.get_absolute_url())

        eyebrow = page.find("p", class_="eyebrow")
        assert eyebrow.text == "The Glass Orchard · TV show, 2019"
        assert eyebrow.find("a").attrs["href"] == known_article.work.get_absolute_url()
        composers = page.find("p", class_="article-composers")
        assert {a.text: a.attrs["href"] for a in composers.find_all("a")} == {
            composer.name: composer.get_absolute_url() for composer in known_article.composers.all()
        }

    def test_tags_link_to_their_tag_pages(self, client, known_article):
        page = get_page(client, known_article.get_absolute_url())

        tags = page.find("ul", class_="tags")
        assert {(a.text, a.attrs["href"], a.attrs["rel"]) for a in tags.find_all("a")} == {
            ("#FilmMusic", reverse("articles:tag", kwargs={"slug": "filmmusic"}), "tag"),
            ("#UnderratedScores", reverse("articles:tag", kwargs={"slug": "underratedscores"}), "tag"),
        }

    def test_reading_and_listening_times_come_from_the_text_and_the_tracks(self, client, known_article):
        page = get_page(client, known_article.get_absolute_url())

        # 4 + 100 + 469 + 40 = 613 words at 230 a minute; 4:12 + 3:23 = 7:35 of music.
        assert page.find("p", class_="article-meta").text.endswith("3 min read · 8 min listen")

    def test_without_durations_the_page_gives_only_the_reading_time(self, client):
        article = ArticleFactory(title="Short")
        FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work, duration=None))

        meta = get_page(client, article.get_absolute_url()).find("p", class_="article-meta").text
        assert meta.endswith("1 min read")
        assert "listen" not in meta

    def test_previous_and_next_link_to_the_neighbouring_published_articles_not_to_drafts(self, client):
        oldest = ArticleFactory(title="Oldest", publish_at=ago(days=4))
        ArticleFactory(title="Draft", status=DRAFT, publish_at=ago(days=3))
        middle = ArticleFactory(title="Middle", publish_at=ago(days=2))
        ArticleFactory(title="Scheduled", status=SCHEDULED, publish_at=from_now(days=1))
        ArticleFactory(title="Dated draft", status=DRAFT, publish_at=ago(days=1))
        newest = ArticleFactory(title="Newest", status=SCHEDULED, publish_at=ago(hours=1))

        def neighbours(article):
            nav = get_page(client, article.get_absolute_url()).find_all("nav", aria_label="More articles")
            return {a.attrs["rel"]: (a.text, a.attrs["href"]) for n in nav for a in n.find_all("a")}

        assert neighbours(middle) == {
            "prev": ("Previous Oldest", oldest.get_absolute_url()),
            "next": ("Next Newest", newest.get_absolute_url()),
        }
        assert neighbours(oldest) == {"next": ("Next Middle", middle.get_absolute_url())}
        assert neighbours(newest) == {"prev": ("Previous Middle", middle.get_absolute_url())}

    def test_a_lone_article_has_no_neighbour_navigation(self, client):
        article = ArticleFactory()

        assert get_page(client, article.get_absolute_url()).find_all("nav", aria_label="More articles") == []


class TestArticlesReadersCannotSee:
    @pytest.fixture(params=["anonymous", "signed-in reader"])
    def reader(self, request, client):
        if request.param == "signed-in reader":
            client.force_login(UserFactory())
        return client

    def test_a_draft_is_not_found(self, reader):
        draft = ArticleFactory(status=DRAFT, publish_at=None)

        assert_not_found_page(reader.get(draft.get_absolute_url()))

    def test_a_draft_with_a_past_publish_time_is_not_found(self, reader):
        draft = ArticleFactory(status=DRAFT, publish_at=ago(days=1))

        assert_not_found_page(reader.get(draft.get_absolute_url()))

    def test_an_article_scheduled_for_the_future_is_not_found_until_its_time(self, reader):
        scheduled = ArticleFactory(status=SCHEDULED, publish_at=NOW)

        with time_machine.travel(NOW - timedelta(seconds=1), tick=False):
            assert_not_found_page(reader.get(scheduled.get_absolute_url()))
        with time_machine.travel(NOW, tick=False):
            assert reader.get(scheduled.get_absolute_url()).status_code == 200

    def test_an_unknown_slug_is_not_found(self, reader):
        assert_not_found_page(reader.get(reverse("articles:article", kwargs={"slug": "no-such-article"})))

    def test_an_editor_sees_a_draft_as_a_preview_that_search_engines_must_not_index(self, client):
        draft = ArticleFactory(status=DRAFT, publish_at=None)
        client.force_login(editor())

        page = get_page(client, draft.get_absolute_url())

        assert page.find("p", class_="preview-banner").text.startswith("Preview. This article is draft")
        assert page.find("meta", name="robots").attrs["content"] == "noindex, nofollow"
        assert page.find_all("nav", aria_label="More articles") == []


class TestSemanticHtml:
    def test_the_article_page_is_one_main_with_one_h1_under_the_main_navigation(self, client, known_article):
        SectionFactory(article=known_article, body="# A heading typed in the body\n\nText.")

        page = get_page(client, known_article.get_absolute_url())

        assert page.find("html").attrs["lang"] == "en"
        assert len(page.find_all("h1")) == 1
        main = page.find("main")
        assert main.find("h1").text == known_article.title
        assert page.find("nav", aria_label="Main").find("a").attrs["href"] == reverse("articles:home")
        assert page.find("meta", name="description").attrs["content"] == known_article.seo_description

    def test_the_meta_description_falls_back_to_the_standfirst(self, client):
        article = ArticleFactory(standfirst="A score that\n\ndeserves   more.", seo_description="")

        page = get_page(client, article.get_absolute_url())

        assert page.find("meta", name="description").attrs["content"] == "A score that deserves more."

    @pytest.mark.parametrize("name", ["home", "tag", "composer", "work"])
    def test_every_list_page_has_one_h1_in_its_main(self, client, name):
        article = ArticleFactory()
        article.tags.add("Soundtrack")
        composer = ComposerFactory()
        article.composers.add(composer)
        urls = {
            "home": reverse("articles:home"),
            "tag": reverse("articles:tag", kwargs={"slug": "soundtrack"}),
            "composer": composer.get_absolute_url(),
            "work": article.work.get_absolute_url(),
        }

        page = get_page(client, urls[name])

        assert page.find("html").attrs["lang"] == "en"
        assert len(page.find_all("h1")) == 1
        assert page.find("main").find_all("h1")
        assert page.find("nav", aria_label="Main")


class TestTagPage:
    def test_the_tag_page_lists_only_published_articles_with_the_tag(self, client):
        for title, status, publish_at in [
            ("Tagged", Article.Status.PUBLISHED, ago(days=1)),
            ("Tagged draft", DRAFT, None),
            ("Tagged later", SCHEDULED, from_now(days=1)),
        ]:
            ArticleFactory(title=title, status=status, publish_at=publish_at).tags.add("GameMusic")
        ArticleFactory(title="Other tag").tags.add("TVMusic")
        ArticleFactory(title="No tag")

        tag = Tag.objects.get(name="GameMusic")
        page = get_page(client, reverse("articles:tag", kwargs={"slug": tag.slug}))

        assert page.find("h1").text == "Articles tagged #GameMusic"
        assert card_titles(page) == ["Tagged"]

    def test_an_unknown_tag_is_not_found(self, client):
        assert_not_found_page(client.get(reverse("articles:tag", kwargs={"slug": "no-such-tag"})))


class TestComposerPage:
    def test_the_composer_page_shows_the_bio_and_links_elsewhere(self, client):
        composer = ComposerFactory(
            name="Ilse Varnholt",
            bio="An *invented* composer.",
            musicbrainz_id="5b11f4ce-a62d-471e-81fc-a69a8278c7da",
            wikidata_id="Q42",
            imdb_id="nm0000184",
        )

        page = get_page(client, composer.get_absolute_url())

        assert page.find("h1").text == "Ilse Varnholt"
        assert page.find("main").find("div", class_="prose").find("em").text == "invented"
        links = page.find("ul", class_="external-links")
        assert [(a.text, a.attrs["href"]) for a in links.find_all("a")] == [
            ("MusicBrainz", "https://musicbrainz.org/artist/5b11f4ce-a62d-471e-81fc-a69a8278c7da"),
            ("Wikidata", "https://www.wikidata.org/wiki/Q42"),
            ("IMDb", "https://www.imdb.com/name/nm0000184/"),
        ]

    def test_the_composer_page_lists_only_their_published_articles(self, client):
        composer = ComposerFactory()
        ArticleFactory(title="Older", publish_at=ago(days=2)).composers.add(composer)
        ArticleFactory(title="Newer").composers.add(composer)
        ArticleFactory(title="Their draft", status=DRAFT, publish_at=None).composers.add(composer)
        ArticleFactory(title="Someone else's").composers.add(ComposerFactory())

        assert card_titles(get_page(client, composer.get_absolute_url())) == ["Newer", "Older"]

    def test_a_composer_without_articles_or_links_says_so(self, client):
        composer = ComposerFactory(bio="")

        page = get_page(client, composer.get_absolute_url())

        assert page.find("p", class_="empty").text == "No articles about this composer yet."
        assert page.find_all("ul", class_="external-links") == []
        assert page.find("main").find_all("div", class_="prose") == []

    def test_an_unknown_composer_is_not_found(self, client):
        assert_not_found_page(client.get(reverse("articles:composer", kwargs={"slug": "nobody"})))


class TestWorkPage:
    def test_the_work_page_shows_kind_year_and_the_track_list_in_order_with_durations(self, client):
        work = WorkFactory(title="Ashfall", kind=Work.Kind.GAME, year=2021, igdb_slug="ashfall")
        TrackFactory(work=work, position=3, title="Third", duration=minutes(2, 3, h=1))
        TrackFactory(work=work, position=1, title="First", duration=minutes(2, 48))
        TrackFactory(work=work, position=2, title="Second", duration=None)

        page = get_page(client, work.get_absolute_url())

        assert page.find("h1").text == "Ashfall"
        assert page.find("p", class_="eyebrow").text == "Game · 2021"
        tracks = page.find("ol", class_="tracklist").find_all("li")
        assert [(li.attrs["value"], li.text) for li in tracks] == [
            ("1", "First 2:48"),
            ("2", "Second"),
            ("3", "Third 1:02:03"),
        ]
        assert tracks[2].find("time").attrs["datetime"] == "PT1H2M3S"
        assert [a.attrs["href"] for a in page.find("ul", class_="external-links").find_all("a")] == [
            "https://www.igdb.com/games/ashfall"
        ]

    def test_the_work_page_lists_only_its_published_articles(self, client):
        work = WorkFactory()
        ArticleFactory(title="About it", work=work)
        ArticleFactory(title="Draft about it", work=work, status=DRAFT, publish_at=None)
        ArticleFactory(title="About another work")

        assert card_titles(get_page(client, work.get_absolute_url())) == ["About it"]

    def test_a_work_without_tracks_or_articles_says_so(self, client):
        work = WorkFactory(year=None)

        page = get_page(client, work.get_absolute_url())

        assert page.find("p", class_="eyebrow").text == "Film"
        assert page.find_all("ol", class_="tracklist") == []
        assert page.find("p", class_="empty").text == "No articles about this soundtrack yet."

    def test_an_unknown_work_is_not_found(self, client):
        assert_not_found_page(client.get(reverse("articles:work", kwargs={"slug": "nothing"})))


class TestQueryCounts:
    @pytest.mark.parametrize("size", [2, 20])
    def test_the_article_page_makes_the_same_queries_whatever_its_size(self, client, size, django_assert_num_queries):
        ArticleFactory(title="Before", publish_at=ago(days=2))
        article = article_with(size)
        ArticleFactory(title="After", publish_at=timezone.now())

        with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
            page = get_page(client, article.get_absolute_url())

        assert len(page.find_all("section", class_="article-section")) == size
        assert len(page.find_all("li", class_="featured-track")) == size
        assert len(page.find("ul", class_="tags").find_all("a")) == size
        assert len(page.find("p", class_="article-composers").find_all("a")) == size
        assert len(page.find("nav", aria_label="More articles").find_all("a")) == 2

    @pytest.mark.parametrize("size", [2, 20])
    @pytest.mark.parametrize("name", ["home", "tag", "composer", "work"])
    def test_list_pages_make_a_bounded_number_of_queries(self, client, name, size, django_assert_max_num_queries):
        work, composer = WorkFactory(), ComposerFactory()
        for n in range(size):
            article = ArticleFactory(work=work, publish_at=ago(hours=n + 1))
            article.composers.add(composer, ComposerFactory())
            article.tags.add("Soundtrack", f"extra-{n}")
            TrackFactory(work=work)
        urls = {
            "home": reverse("articles:home"),
            "tag": reverse("articles:tag", kwargs={"slug": "soundtrack"}),
            "composer": composer.get_absolute_url(),
            "work": work.get_absolute_url(),
        }

        with django_assert_max_num_queries(LIST_PAGE_MAX_QUERIES[name]):
            page = get_page(client, urls[name])

        assert len(card_titles(page)) == min(size, PER_PAGE)

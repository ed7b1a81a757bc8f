"""Search, on whichever database the suite runs: full text on PostgreSQL, the plain fallback on SQLite.

What a reader can rely on either way: it finds articles by title, work, composer, tag, section and featured-track
text; drafts and scheduled articles never appear; title matches come first; odd queries get a page, not an error.
PostgreSQL-only behaviour (ranking details, websearch phrases, highlights, typos, index upkeep) is in
test_search_postgres.py.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import HIGHLIGHT_START, HIGHLIGHT_STOP, Article, Work
from articles.search import search_snippet
from tests.utils.budgets import SEARCH_PAGE_MAX_QUERIES
from tests.utils.clock import ago, from_now
from tests.utils.factories import (
    ArticleFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    WorkFactory,
    editor,
)
from tests.utils.html import get_page
from tests.utils.search import result_titles, search_url

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")


@pytest.fixture
def catalogue(committed):
    """Two published articles, each findable only through its own fields, and unpublished ones matching everything."""
    with committed():
        orchard_work = WorkFactory(title="The Glass Orchard", kind=Work.Kind.TV)
        orchard = ArticleFactory(
            title="Why The Glass Orchard deserves more recognition",
            standfirst="A score of *frost* and *lanterns*.",
            work=orchard_work,
            publish_at=ago(days=10),
        )
        orchard.composers.add(ComposerFactory(name="Ilse Varnholt"))
        orchard.tags.add("Folk Horror")
        SectionFactory(article=orchard, heading="Bellows and breath", body="A bowed **waterphone** hums.")
        FeaturedTrackFactory(
            article=orchard,
            track=TrackFactory(work=orchard_work, title="Lanterns over the Weir"),
            note="Listen for the *glass harmonica*.",
        )

        kestrel_work = WorkFactory(title="Kestrel Run", kind=Work.Kind.GAME)
        kestrel = ArticleFactory(
            title="The chiptune heart of Kestrel Run",
            standfirst="A score of *square waves*.",
            work=kestrel_work,
            publish_at=ago(days=5),
        )
        kestrel.composers.add(ComposerFactory(name="Mika Tallgren"))
        kestrel.tags.add("Eight Bit")
        SectionFactory(article=kestrel, heading="Arpeggios", body="Fast **arpeggios** on a sound chip.")
        FeaturedTrackFactory(
            article=kestrel,
            track=TrackFactory(work=kestrel_work, title="Updraft"),
            note="A *pulse* bass.",
        )

        everything = "Orchard Kestrel waterphone arpeggios Varnholt Tallgren"
        for status, publish_at in [(Article.Status.DRAFT, None), (Article.Status.SCHEDULED, from_now(days=1))]:
            hidden = ArticleFactory(
                title=f"Unpublished: {everything}",
                standfirst=everything,
                work=orchard_work,
                status=status,
                publish_at=publish_at,
            )
            hidden.tags.add("Folk Horror", "Eight Bit")
            SectionFactory(article=hidden, heading=everything, body=everything)
    return orchard, kestrel


class TestFindingArticles:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("orchard", "Why The Glass Orchard deserves more recognition"),  # title and work
            ("kestrel", "The chiptune heart of Kestrel Run"),
            ("frost", "Why The Glass Orchard deserves more recognition"),  # standfirst
            ("Varnholt", "Why The Glass Orchard deserves more recognition"),  # composer
            ("tallgren", "The chiptune heart of Kestrel Run"),
            ("horror", "Why The Glass Orchard deserves more recognition"),  # tag
            ("Eight Bit", "The chiptune heart of Kestrel Run"),
            ("bellows", "Why The Glass Orchard deserves more recognition"),  # section heading
            ("waterphone", "Why The Glass Orchard deserves more recognition"),  # section body
            ("arpeggios", "The chiptune heart of Kestrel Run"),
            ("weir", "Why The Glass Orchard deserves more recognition"),  # featured track's title
            ("harmonica", "Why The Glass Orchard deserves more recognition"),  # featured track's note
            ("pulse", "The chiptune heart of Kestrel Run"),
        ],
    )
    def test_an_article_is_found_by_each_kind_of_text_it_holds(self, client, catalogue, query, expected):
        assert result_titles(client, query) == [expected]

    def test_the_search_ignores_case(self, client, catalogue):
        assert result_titles(client, "WATERPHONE") == ["Why The Glass Orchard deserves more recognition"]

    def test_every_word_must_match_and_a_minus_leaves_a_word_out(self, client, catalogue):
        assert result_titles(client, "waterphone arpeggios") == []
        assert result_titles(client, "orchard waterphone") == ["Why The Glass Orchard deserves more recognition"]
        assert result_titles(client, "score -orchard") == ["The chiptune heart of Kestrel Run"]

    def test_or_finds_either_word(self, client, catalogue):
        assert sorted(result_titles(client, "waterphone or arpeggios")) == [
            "The chiptune heart of Kestrel Run",
            "Why The Glass Orchard deserves more recognition",
        ]

    def test_a_title_match_comes_before_a_match_in_the_text_even_an_newer_one(self, client, committed):
        with committed():
            ArticleFactory(title="Why the cello matters", standfirst="Low strings.", publish_at=ago(days=30))
            body_only = ArticleFactory(title="Strings in winter", standfirst="Quiet.", publish_at=ago(days=1))
            SectionFactory(article=body_only, body="A cello, once.")

        assert result_titles(client, "cello") == ["Why the cello matters", "Strings in winter"]

    def test_drafts_and_scheduled_articles_never_appear_even_for_staff(self, client, catalogue):
        client.force_login(editor())
        for query in ["unpublished", "orchard", "kestrel", "horror", "waterphone", "Tallgren"]:
            assert all(not title.startswith("Unpublished") for title in result_titles(client, query)), query
        assert result_titles(client, "unpublished") == []

    def test_the_queryset_method_only_narrows_what_it_is_given(self, catalogue):
        assert Article.objects.published().search("unpublished").count() == 0
        assert Article.objects.search("unpublished").count() == 2


class TestResults:
    def test_a_result_links_to_the_article_and_shows_its_work_date_and_a_snippet(self, client, catalogue):
        orchard, _ = catalogue
        page = get_page(client, search_url("orchard"))

        result = page.find("li", class_="search-result")
        assert result.find("h2").find("a").attrs["href"] == orchard.get_absolute_url()
        meta = result.find("p", class_="card-meta")
        assert meta.find("a", href=orchard.work.get_absolute_url()).text == "The Glass Orchard (2017)"
        published = timezone.localtime(orchard.publish_at).replace(microsecond=0)
        assert meta.find("time").attrs["datetime"] == published.isoformat()
        # The match is in the title, so the snippet is the start of the text: the standfirst.
        assert result.find("p", class_="search-snippet").text.startswith("A score of frost and lanterns.")
        assert page.find("p", class_="search-summary").text == "1 article for “orchard”"

    def test_results_are_paginated_and_the_page_links_keep_the_query(self, client, committed, settings):
        settings.ARTICLES_PER_PAGE = 2
        with committed():
            for days in range(5):
                ArticleFactory(title=f"Cello study {days}", publish_at=ago(days=days + 1))

        page = get_page(client, search_url("cello"))
        assert page.find("p", class_="search-summary").text == "5 articles for “cello”"
        assert page.find("a", rel="next").attrs["href"] == "?q=cello&page=2"
        assert result_titles(client, "cello", page=3) == ["Cello study 4"]

    @pytest.mark.parametrize("page_number", ["99", "-1", "abc", ""])
    def test_a_page_number_past_the_end_or_not_a_number_still_shows_results(self, client, catalogue, page_number):
        assert result_titles(client, "orchard", page=page_number) == ["Why The Glass Orchard deserves more recognition"]

    def test_no_match_says_so_and_offers_tips(self, client, catalogue):
        page = get_page(client, search_url("bassoon"))
        assert page.find("p", class_="empty").text == "No articles match “bassoon”."
        assert page.find("h2", id="search-tips-heading").text == "Search tips"

    @pytest.mark.parametrize("size", [2, 20])
    def test_the_search_page_makes_a_bounded_number_of_queries(
        self, client, committed, size, settings, django_assert_max_num_queries
    ):
        settings.ARTICLES_PER_PAGE = 20
        with committed():
            for n in range(size):
                article = ArticleFactory(title=f"Cello study {n}")
                article.tags.add("strings", f"study-{n}")
                article.composers.add(ComposerFactory(), ComposerFactory())
                SectionFactory(article=article, body="More cello.")

        result_titles(client, "warm-up")  # the page cache's own look-ups, made once, are not the search's

        with django_assert_max_num_queries(SEARCH_PAGE_MAX_QUERIES):
            assert len(result_titles(client, "cello")) == size


class TestOddQueries:
    @pytest.mark.parametrize("query", ["", "   ", "\t"])
    def test_an_empty_query_shows_the_search_box_and_tips(self, client, catalogue, query):
        page = get_page(client, search_url(query))

        form = page.find("form", class_="search-form")
        assert form.attrs["role"] == "search"
        assert form.find("label", for_="id_q").text == "Search articles"
        assert form.find("input", name="q").attrs["type"] == "search"
        assert page.find("h2", id="search-tips-heading").text == "Search tips"
        assert page.find_all("li", class_="search-result") == []
        assert page.find_all("p", class_="empty") == []

    def test_the_page_without_any_query_string_is_the_empty_search(self, client):
        page = get_page(client, SEARCH)
        assert page.find("h1").text == "Search"
        assert page.find("meta", name="robots").attrs["content"] == "noindex"

    def test_a_query_over_200_characters_gets_a_clear_message_not_an_error(self, client, catalogue):
        query = "orchard " * 26  # 208 characters

        page = get_page(client, search_url(query))

        assert page.find("p", role="alert").text == (
            "That search is too long: use at most 200 characters (it has 207)."
        )
        assert page.find_all("li", class_="search-result") == []
        assert page.find("h2", id="search-tips-heading").text == "Search tips"

    def test_a_query_of_200_characters_is_searched(self, client, catalogue):
        query = "orchard" + " " * 186 + "orchard"
        assert len(query) == 200
        assert result_titles(client, query) == ["Why The Glass Orchard deserves more recognition"]

    @pytest.mark.parametrize(
        "query",
        [
            '"',
            '""',
            "-",
            "--",
            "or",
            "-orchard",
            "!!! @@@ (((",
            "a & b | !c",
            "' OR 1=1 --",
            "%",
            "_",
            "\\",
            "orchard:*",
            "<script>alert(1)</script>",
            "🎻🎻",
            "ü" * 200,
        ],
    )
    def test_junk_queries_get_a_page_not_an_error(self, client, catalogue, query):
        response = client.get(search_url(query))
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()

    def test_wildcards_are_searched_for_literally(self, client, catalogue):
        assert result_titles(client, "%") == []
        assert result_titles(client, "_") == []

    def test_a_null_character_is_refused_with_a_message(self, client, catalogue):
        page = get_page(client, search_url("orchard\x00"))
        assert page.find("p", role="alert").text == "Null characters are not allowed."

    def test_the_query_is_shown_back_escaped(self, client, catalogue):
        response = client.get(search_url("<b>bassoon</b>"))
        assert escape("“<b>bassoon</b>”") in response.content.decode()
        assert "<b>bassoon</b>" not in response.content.decode()


class TestSearchBoxInTheHeader:
    @pytest.mark.parametrize("url_name", ["articles:home", "articles:search"])
    def test_every_page_has_a_labelled_search_form_in_its_header(self, client, url_name):
        page = get_page(client, reverse(url_name))

        form = page.find("header", class_="site-header").find("form")
        assert form.attrs["role"] == "search"
        assert form.attrs["action"] == SEARCH
        assert form.attrs["method"] == "get"
        field = form.find("input", name="q")
        assert form.find("label", for_=field.attrs["id"]).text == "Search articles"
        assert field.attrs["maxlength"] == "200"


class TestSnippets:
    def test_a_headline_is_escaped_and_only_its_highlights_become_marks(self):
        article = Article(standfirst_html="<p>unused</p>")
        article.search_headline = (
            f'<img src=x onerror="alert(1)"> Tom & Jerry {HIGHLIGHT_START}cello{HIGHLIGHT_STOP} <mark>'
        )

        assert search_snippet(article) == (
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Tom &amp; Jerry <mark>cello</mark> &lt;mark&gt;"
        )

    def test_without_a_headline_the_snippet_is_the_start_of_the_standfirst_as_escaped_text(self):
        article = Article(standfirst_html="<p>Tom &amp; <em>Jerry</em> &lt;script&gt; " + "word " * 50 + "</p>")

        assert search_snippet(article) == "Tom &amp; Jerry &lt;script&gt; " + "word " * 35 + "word…"


class TestRebuildingTheIndex:
    def test_the_command_runs_on_any_database(self, catalogue, capsys):
        call_command("rebuild_search_index")
        assert capsys.readouterr().out.strip()

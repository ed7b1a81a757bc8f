"""Search as it is on either database: misspellings corrected (SQLite too, from the same lexicon), the composers
and works a query names listed with the articles, tips that promise only what the database does, and a work's
page that credits its composers."""

from functools import partial

import pytest
from django.core.management import call_command
from django.db import connection

from articles.indexing import rebuild_search_index
from articles.models import Article, Composer, SearchWord, Work
from articles.search import corrected_query
from tests.utils.budgets import SEARCH_PAGE_MAX_QUERIES
from tests.utils.factories import ArticleFactory, ComposerFactory, SectionFactory, TrackFactory, WorkFactory
from tests.utils.html import get_page
from tests.utils.search import result_titles, search_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block leaves for the commit (the search index refresh), as a real commit would."""
    return partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def misspellable(committed):
    with committed():
        orchard = ArticleFactory(title="Why its soundtrack deserves more", work=WorkFactory(title="The Glass Orchard"))
        zimmer = ArticleFactory(title="Brass and drums", work=WorkFactory(title="Tidewater"))
        zimmer.composers.add(ComposerFactory(name="Hans Zimmer"))
        ArticleFactory(title="The Glass Orchard revisited", status=Article.Status.DRAFT, publish_at=None)
    return orchard, zimmer


def found(query: str) -> list[str]:
    return [article.title for article in Article.objects.published().search(query)]


def names(page, heading: str) -> list[str]:
    section = page.find("section", class_="search-names")
    assert section.find("h2").text == heading
    return [item.find("a").text for item in section.find_all("li")]


class TestCorrections:
    def test_misspelt_words_find_what_they_meant(self, misspellable):
        assert found("Zimer") == ["Brass and drums"]  # a composer
        assert found("Glas Orchrd") == ["Why its soundtrack deserves more"]  # a work
        assert found("Bras and drumz") == ["Brass and drums"]  # a title

    def test_only_unknown_words_are_corrected_and_the_syntax_is_kept(self, misspellable):
        assert corrected_query('"Glas Orchrd" -Zimer or drumz') == '"glass orchard" -zimmer or drums'
        assert corrected_query("Glass orchard") is None
        assert corrected_query("42 ab") is None
        assert corrected_query("bassoon") is None  # nothing close enough

    def test_each_result_says_what_was_searched_for_instead(self, misspellable):
        (result,) = Article.objects.published().search("Zimer")
        assert result.search_correction == "zimmer"
        (result,) = Article.objects.published().search("Zimmer")
        assert result.search_correction == ""

    def test_the_search_page_says_it_searched_for_the_correction(self, client, misspellable):
        page = get_page(client, search_url("Glas Orchrd"))

        assert page.find("p", class_="search-summary").text == (
            "No articles match “Glas Orchrd”. Showing 1 article for “glass orchard” instead."
        )

    def test_words_of_drafts_are_known_but_find_nothing_published(self, misspellable):
        assert corrected_query("revisitd") == "revisited"
        assert found("revisitd") == []

    @pytest.mark.parametrize("size", [2, 20])
    def test_a_corrected_search_costs_two_queries_more_than_a_plain_one(
        self, client, committed, size, settings, django_assert_max_num_queries
    ):
        settings.ARTICLES_PER_PAGE = 20
        zimmer = ComposerFactory(name="Hans Zimmer")
        with committed():
            for n in range(size):
                article = ArticleFactory(title=f"Brass study {n}")
                article.composers.add(zimmer, ComposerFactory())
        client.get(search_url("warm-up"))  # the page cache's own look-ups

        # The search as typed (nothing) and the lexicon's words, then what any search costs.
        with django_assert_max_num_queries(SEARCH_PAGE_MAX_QUERIES + 2):
            assert len(result_titles(client, "Zimer")) == size


class TestTheLexicon:
    def test_an_articles_words_join_it_when_it_changes_on_any_database(self, committed):
        with committed():
            article = ArticleFactory(title="Salt and iron", work=WorkFactory(title="Tidewater"))
            article.composers.add(ComposerFactory(name="Mira Holt"))
            SectionFactory(article=article, heading="Ostinato", body="A glockenspiel.")

        assert {"salt", "iron", "tidewater", "mira", "holt", "ostinato", "glockenspiel"} <= set(
            SearchWord.objects.values_list("word", flat=True)
        )
        assert found("glockenspeil") == ["Salt and iron"]

    def test_a_rebuild_drops_words_no_article_has_any_more(self, misspellable, capsys):
        SearchWord.objects.create(word="obsolete")

        call_command("rebuild_search_index")

        assert not SearchWord.objects.filter(word="obsolete").exists()
        assert SearchWord.objects.filter(word="zimmer").exists()
        what = "search index" if connection.vendor == "postgresql" else "spelling lexicon from"
        assert what in capsys.readouterr().out
        assert rebuild_search_index() == 3


class TestComposersAndWorksInResults:
    @pytest.fixture
    def catalogue(self, misspellable):
        ComposerFactory(name="Hanna Lindqvist")  # no articles: found all the same, as its page exists
        WorkFactory(title="Glass Harbour", kind=Work.Kind.GAME, year=2021)
        return misspellable

    def test_a_surname_finds_the_composers_page(self, client, catalogue):
        page = get_page(client, search_url("zimmer"))

        assert names(page, "Composer") == ["Hans Zimmer"]
        link = page.find("section", class_="search-names").find("a")
        assert link.attrs["href"] == Composer.objects.get(name="Hans Zimmer").get_absolute_url()
        assert [item.find("h2").text for item in page.find_all("li", class_="search-result")] == ["Brass and drums"]

    def test_a_title_word_finds_the_works_with_their_kind(self, client, catalogue):
        page = get_page(client, search_url("glass"))

        assert names(page, "Soundtracks") == ["Glass Harbour (2021)", "The Glass Orchard (2017)"]
        kinds = [item.find("span", class_="name-kind").text for item in page.find_all("li") if item.find_all("span")]
        assert "Game" in kinds and "Film" in kinds

    def test_composers_without_articles_are_listed_when_no_article_matches(self, client, catalogue):
        page = get_page(client, search_url("Lindqvist"))

        assert names(page, "Composer") == ["Hanna Lindqvist"]
        assert page.find("p", class_="empty").text == "No articles match “Lindqvist”."

    def test_words_match_the_start_of_a_name_word_in_the_query_syntax(self, catalogue):
        assert [c.name for c in Composer.objects.matching("han")] == ["Hanna Lindqvist", "Hans Zimmer"]
        assert [c.name for c in Composer.objects.matching("ans")] == []  # not the middle of a word
        assert [c.name for c in Composer.objects.matching("hans zimmer")] == ["Hans Zimmer"]
        assert [c.name for c in Composer.objects.matching("han -zimmer")] == ["Hanna Lindqvist"]
        assert [w.title for w in Work.objects.matching("harbour or tidewater")] == ["Glass Harbour", "Tidewater"]
        assert list(Composer.objects.matching('"" - or')) == []

    def test_a_misspelt_name_is_found_through_the_correction(self, client, catalogue):
        assert names(get_page(client, search_url("Zimer")), "Composer") == ["Hans Zimmer"]

    def test_only_the_first_page_of_results_lists_them(self, client, committed, settings):
        settings.ARTICLES_PER_PAGE = 1
        with committed():
            for n in range(2):
                ArticleFactory(title=f"Glass study {n}")

        assert get_page(client, search_url("glass", page=2)).find_all("section", class_="search-names") == []


class TestTips:
    def test_the_tips_offer_phrases_only_where_full_text_honours_them(self, client):
        tips = get_page(client, search_url("")).find("section", class_="search-tips").text

        assert "Put a minus before a word" in tips
        assert "Use or to find either word" in tips
        assert "Slightly misspelt words are corrected" in tips
        assert ("Put a phrase in quotes" in tips) == (connection.vendor == "postgresql")

    def test_what_the_tips_promise_works(self, committed):
        with committed():
            ArticleFactory(title="Piano nights", standfirst="Felt piano.")
            ArticleFactory(title="Synth piano", standfirst="A piano and a synth.")
            ArticleFactory(title="Cello", standfirst="Low strings.")

        assert found("piano -synth") == ["Piano nights"]
        assert sorted(found("cello or synth")) == ["Cello", "Synth piano"]
        assert found("pianno nights") == ["Piano nights"]


class TestTheWorksPage:
    def test_it_credits_the_composers_of_its_tracks_and_published_articles_once_each(self, client):
        work = WorkFactory(title="Arrival")
        johannsson, richter = ComposerFactory(name="Jóhann Jóhannsson"), ComposerFactory(name="Max Richter")
        drafted = ComposerFactory(name="Ben Frost")
        TrackFactory(work=work, title="Heptapod B").composers.add(johannsson)
        TrackFactory(work=work, title="On the Nature of Daylight").composers.add(richter, johannsson)
        ArticleFactory(work=work).composers.add(johannsson)
        ArticleFactory(work=work, status=Article.Status.DRAFT, publish_at=None).composers.add(drafted)
        ArticleFactory().composers.add(ComposerFactory(name="Someone Else"))

        credits = get_page(client, work.get_absolute_url()).find("p", class_="work-composers")

        assert credits.text == "Music by Jóhann Jóhannsson, Max Richter"
        assert [link.attrs["href"] for link in credits.find_all("a")] == [
            johannsson.get_absolute_url(),
            richter.get_absolute_url(),
        ]

    def test_a_work_without_credits_says_nothing_about_them(self, client):
        work = WorkFactory()

        assert get_page(client, work.get_absolute_url()).find_all("p", class_="work-composers") == []

"""Search on PostgreSQL: ranking, websearch syntax, highlighted snippets, typo tolerance, and the stored vector
kept current whatever changes. Skipped on any other database (CI runs the suite on PostgreSQL too)."""

import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from articles.indexing import rebuild_search_index, refresh_search_vectors
from articles.models import Article, Composer, SearchWord, Work
from articles.search.spelling import CLOSEST_WORDS, corrected_query
from tests.utils.admin import article_data
from tests.utils.budgets import SEARCH_PAGE_MAX_QUERIES
from tests.utils.clock import ago
from tests.utils.database import sql_plan
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

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql("PostgreSQL full-text search")]


def found(query: str) -> list[str]:
    return [article.title for article in Article.objects.published().search(query)]


def snippet(client, query: str):
    page = get_page(client, reverse("articles:search", query={"q": query}))
    return page.find("p", class_="search-snippet")


class TestRanking:
    def test_a_title_match_ranks_above_a_match_in_the_body_only(self, committed):
        with committed():
            body_only = ArticleFactory(title="Strings in winter", standfirst="Quiet.", publish_at=ago(days=1))
            SectionFactory(article=body_only, body="A cello, a cello, a cello, and the cello again.")
            ArticleFactory(title="Why the cello matters", standfirst="Low strings.", publish_at=ago(days=30))

        assert found("cello") == ["Why the cello matters", "Strings in winter"]

    def test_a_work_composer_or_tag_match_ranks_between_title_and_body(self, committed):
        with committed():
            ArticleFactory(title="Three", standfirst="The piano, then the piano again.")
            ArticleFactory(title="Two", standfirst="Strings.").tags.add("Piano")
            ArticleFactory(title="One: the piano", standfirst="Strings.")

        assert found("piano") == ["One: the piano", "Two", "Three"]

    def test_stemming_finds_other_forms_of_a_word(self, committed):
        with committed():
            ArticleFactory(title="Orchestrating silence", standfirst="On orchestration.")

        assert found("orchestrated") == ["Orchestrating silence"]


@pytest.fixture
def glass_and_choir(committed):
    with committed():
        glass = ArticleFactory(title="Glass", standfirst="A glass harmonica over strings.", publish_at=ago(days=2))
        apart = ArticleFactory(title="Apart", standfirst="Harmonica first; glass later.", publish_at=ago(days=3))
        choir = ArticleFactory(title="Choir", standfirst="A choir and strings.", publish_at=ago(days=4))
    return glass, apart, choir


class TestWebsearchSyntax:
    def test_a_quoted_phrase_finds_the_words_together_only(self, glass_and_choir):
        assert sorted(found("glass harmonica")) == ["Apart", "Glass"]
        assert found('"glass harmonica"') == ["Glass"]

    def test_a_minus_excludes_a_word(self, glass_and_choir):
        assert found("strings -choir") == ["Glass"]

    def test_or_finds_either_word(self, glass_and_choir):
        assert sorted(found("choir or harmonica")) == ["Apart", "Choir", "Glass"]

    def test_operators_that_are_not_websearch_syntax_are_plain_words(self, glass_and_choir):
        assert found("choir & (strings!") == ["Choir"]


class TestSnippets:
    def test_matches_are_marked_in_a_snippet_cut_from_the_text(self, client, committed):
        with committed():
            article = ArticleFactory(title="Winter", standfirst="It opens quietly. " + "Snow falls. " * 30)
            SectionFactory(article=article, heading="The turn", body="Then the **cello** enters, low and slow.")

        marked = snippet(client, "cello")

        assert [mark.text for mark in marked.find_all("mark")] == ["cello"]
        assert "Then the cello enters, low and slow" in marked.text

    def test_the_text_around_a_match_is_escaped_and_no_markup_gets_through(self, client, committed):
        with committed():
            ArticleFactory(
                title="Winter",
                standfirst="The cello, Tom & Jerry: 3 < 4 <script>alert(1)</script> <mark>sings</mark>.",
            )

        response = client.get(reverse("articles:search", query={"q": "cello"}))
        marked = snippet(client, "cello")

        assert [node.tag for node in marked.find_all()] == ["mark"]
        assert marked.find("mark").text == "cello"
        html = response.content.decode()
        assert "<mark>cello</mark>, Tom &amp; Jerry: 3 &lt; 4" in html
        assert "<script>" not in html

    def test_an_exclusion_is_not_highlighted(self, client, glass_and_choir):
        marked = snippet(client, "strings -choir")
        assert [mark.text for mark in marked.find_all("mark")] == ["strings"]


@pytest.fixture
def misspellable(committed):
    with committed():
        orchard = ArticleFactory(title="Why its soundtrack deserves more", work=WorkFactory(title="The Glass Orchard"))
        zimmer = ArticleFactory(title="Brass and drums", work=WorkFactory(title="Tidewater"))
        zimmer.composers.add(ComposerFactory(name="Hans Zimmer"))
        ArticleFactory(title="The Glass Orchard revisited", status=Article.Status.DRAFT, publish_at=None)
    return orchard, zimmer


class TestTypoTolerance:
    def test_a_misspelt_composer_name_is_found(self, misspellable):
        assert found("Zimer") == ["Brass and drums"]

    def test_a_misspelt_work_title_is_found(self, misspellable):
        assert found("Glas Orchrd") == ["Why its soundtrack deserves more"]

    def test_a_misspelt_title_is_found(self, misspellable):
        assert found("Bras and drumz") == ["Brass and drums"]

    def test_close_matches_are_only_sought_when_full_text_finds_nothing(self, misspellable, committed):
        with committed():
            ArticleFactory(title="A note on spelling", standfirst="Zimer, with one m, is a typo.")

        assert found("Zimer") == ["A note on spelling"]

    def test_unrelated_words_find_nothing(self, misspellable):
        assert found("bassoon") == []
        assert corrected_query("bassoon") is None

    def test_only_unknown_words_are_corrected_and_the_syntax_is_kept(self, misspellable):
        assert corrected_query('"Glas Orchrd" -Zimer or drumz') == '"glass orchard" -zimmer or drums'
        assert corrected_query("Glass orchard") is None  # every word is known: nothing to correct
        assert corrected_query("42 ab") is None  # numbers and short words are left as they are

    def test_each_result_says_what_was_searched_for_instead(self, misspellable):
        (result,) = Article.objects.published().search("Zimer")
        assert result.search_correction == "zimmer"
        (result,) = Article.objects.published().search("Zimmer")
        assert result.search_correction == ""

    def test_the_search_page_says_it_searched_for_the_correction(self, client, misspellable):
        page = get_page(client, reverse("articles:search", query={"q": "Glas Orchrd"}))

        assert page.find("p", class_="search-summary").text == (
            "No articles match “Glas Orchrd”. Showing 1 article for “glass orchard” instead."
        )
        assert [item.find("h2").text for item in page.find_all("li", class_="search-result")] == [
            "Why its soundtrack deserves more"
        ]

    def test_words_of_a_draft_are_known_but_find_nothing_published(self, misspellable):
        assert corrected_query("revisitd") == "revisited"
        assert found("revisitd") == []

    @pytest.mark.parametrize("size", [2, 20])
    def test_the_page_of_close_matches_makes_a_bounded_number_of_queries(
        self, client, committed, size, settings, django_assert_max_num_queries
    ):
        settings.ARTICLES_PER_PAGE = 20
        zimmer = ComposerFactory(name="Hans Zimmer")
        with committed():
            for n in range(size):
                article = ArticleFactory(title=f"Brass study {n}")
                article.composers.add(zimmer, ComposerFactory())
                article.tags.add("brass", f"study-{n}")
        client.get(reverse("articles:search", query={"q": "warm-up"}))  # the page cache's own look-ups

        # Two more than a plain search: the search as typed (nothing) and the lexicon's closest words.
        with django_assert_max_num_queries(SEARCH_PAGE_MAX_QUERIES + 2):
            page = get_page(client, reverse("articles:search", query={"q": "Zimer"}))

        assert len(page.find_all("li", class_="search-result")) == size

    def test_the_search_page_shows_close_matches_with_a_snippet(self, client, misspellable):
        page = get_page(client, reverse("articles:search", query={"q": "Zimer"}))

        result = page.find("li", class_="search-result")
        assert result.find("h2").text == "Brass and drums"
        assert result.find("p", class_="search-snippet").text == "An underrated score."


class TestTheLexicon:
    def test_an_articles_words_join_it_when_its_search_vector_is_refreshed(self, indexed_article, committed):
        assert {"salt", "iron", "coastal", "tidewater", "mira", "holt", "maritime", "bellows", "undertow"} <= set(
            SearchWord.objects.values_list("word", flat=True)
        )
        with committed():
            SectionFactory(article=indexed_article, heading="Ostinato", body="A glockenspiel.")

        assert found("glockenspeil") == ["Salt and iron"]

    def test_a_rebuild_drops_words_no_article_has_any_more(self, indexed_article):
        SearchWord.objects.create(word="obsolete")

        rebuild_search_index()

        assert not SearchWord.objects.filter(word="obsolete").exists()
        assert SearchWord.objects.filter(word="kettledrum").exists()


@pytest.fixture
def indexed_article(committed):
    """A published article with one of each thing its vector is made of."""
    with committed():
        work = WorkFactory(title="Tidewater")
        article = ArticleFactory(title="Salt and iron", standfirst="A coastal score.", work=work)
        article.composers.add(ComposerFactory(name="Mira Holt"))
        article.tags.add("Maritime")
        SectionFactory(article=article, heading="Bellows", body="A bowed waterphone.")
        FeaturedTrackFactory(
            article=article, track=TrackFactory(work=work, title="Undertow"), note="Listen for the kettledrum."
        )
    return article


class TestTheVectorIsKeptCurrent:
    def test_the_article_is_found_by_each_part_from_the_start(self, indexed_article):
        for word in [
            "salt",
            "coastal",
            "tidewater",
            "holt",
            "maritime",
            "bellows",
            "waterphone",
            "undertow",
            "kettledrum",
        ]:
            assert found(word) == ["Salt and iron"], word

    def test_after_the_articles_own_fields_change(self, indexed_article, committed):
        with committed():
            indexed_article.title = "Rust and brine"
            indexed_article.standfirst = "A harbour score."
            indexed_article.save()

        assert found("rust") == found("harbour") == ["Rust and brine"]
        assert found("salt") == found("coastal") == []

    def test_after_a_section_body_is_edited(self, indexed_article, committed):
        with committed():
            section = indexed_article.sections.get()
            section.body = "A bowed saw."
            section.save()

        assert found("saw") == ["Salt and iron"]
        assert found("waterphone") == []

    def test_after_a_section_is_added(self, indexed_article, committed):
        with committed():
            SectionFactory(article=indexed_article, heading="Coda", body="Foghorns.")

        assert found("foghorns") == ["Salt and iron"]

    def test_after_a_section_is_deleted(self, indexed_article, committed):
        with committed():
            indexed_article.sections.get().delete()

        assert found("waterphone") == found("bellows") == []

    def test_after_a_featured_tracks_note_is_edited(self, indexed_article, committed):
        with committed():
            featured = indexed_article.featured_tracks.get()
            featured.note = "Listen for the celesta."
            featured.save()

        assert found("celesta") == ["Salt and iron"]
        assert found("kettledrum") == []

    def test_after_a_featured_track_is_removed(self, indexed_article, committed):
        with committed():
            indexed_article.featured_tracks.get().delete()

        assert found("undertow") == found("kettledrum") == []

    def test_after_a_featured_tracks_track_is_retitled(self, indexed_article, committed):
        with committed():
            track = indexed_article.featured_tracks.get().track
            track.title = "Riptide"
            track.save()

        assert found("riptide") == ["Salt and iron"]
        assert found("undertow") == []

    def test_after_a_tag_is_added_and_after_it_is_removed(self, indexed_article, committed):
        with committed():
            indexed_article.tags.add("Shanty")
        assert found("shanty") == ["Salt and iron"]

        with committed():
            indexed_article.tags.remove("Shanty", "Maritime")
        assert found("shanty") == found("maritime") == []

    def test_after_the_tags_are_cleared(self, indexed_article, committed):
        with committed():
            indexed_article.tags.clear()

        assert found("maritime") == []

    def test_after_a_tag_is_renamed_or_deleted(self, indexed_article, committed):
        tag = Tag.objects.get(name="Maritime")
        with committed():
            tag.name = "Nautical"
            tag.save()
        assert found("nautical") == ["Salt and iron"]
        assert found("maritime") == []

        with committed():
            tag.delete()
        assert found("nautical") == []

    def test_after_a_composer_is_renamed(self, indexed_article, committed):
        with committed():
            composer = Composer.objects.get(name="Mira Holt")
            composer.name = "Mira Halvorsen"
            composer.save()

        assert found("halvorsen") == ["Salt and iron"]
        assert found("holt") == []

    def test_after_a_composer_is_added_removed_or_deleted(self, indexed_article, committed):
        second = ComposerFactory(name="Oskar Brenn")
        with committed():
            indexed_article.composers.add(second)
        assert found("brenn") == ["Salt and iron"]

        with committed():
            indexed_article.composers.remove(second)
        assert found("brenn") == []

        with committed():
            Composer.objects.get(name="Mira Holt").delete()
        assert found("holt") == []

    def test_after_a_change_from_the_composers_side(self, indexed_article, committed):
        composer = ComposerFactory(name="Oskar Brenn")
        with committed():
            composer.articles.add(indexed_article)
        assert found("brenn") == ["Salt and iron"]

        with committed():
            composer.articles.clear()
        assert found("brenn") == []

    def test_after_the_work_is_retitled(self, indexed_article, committed):
        with committed():
            work = Work.objects.get(title="Tidewater")
            work.title = "Slack Water"
            work.save()

        assert found("slack") == ["Salt and iron"]
        assert found("tidewater") == []

    def test_a_change_in_a_rolled_back_savepoint_does_not_stop_later_changes_being_indexed(
        self, indexed_article, committed
    ):
        section = indexed_article.sections.get()
        with committed():
            with pytest.raises(RuntimeError), transaction.atomic():
                section.body = "Gone again."
                section.save()
                raise RuntimeError("the editor's save failed")
            indexed_article.tags.add("Shanty")

        assert found("shanty") == ["Salt and iron"]
        assert found("waterphone") == ["Salt and iron"]

    def test_an_admin_save_with_twenty_inlines_refreshes_the_article_once(self, client, committed):
        client.force_login(editor())
        work = WorkFactory(title="Tidewater")
        tracks = [TrackFactory(work=work, title=f"Tide {n}") for n in range(10)]
        data = article_data(
            work,
            title="Salt and iron",
            tags="maritime, shanty",
            sections=[{"position": "", "heading": f"Part {n}", "body": f"Verse{n} here."} for n in range(10)],
            featured_tracks=[{"position": "", "track": track.pk, "note": "Listen."} for track in tracks],
        )

        with CaptureQueriesContext(connection) as queries, committed():
            response = client.post(reverse("admin:articles_article_add"), data)

        assert response.status_code == 302
        vector_updates = [q["sql"] for q in queries.captured_queries if 'SET "search_document"' in q["sql"]]
        assert len(vector_updates) == 1
        article = Article.objects.get()
        assert Article.objects.search("verse9").get() == article  # a draft: found only without published()


class TestRebuildingTheIndex:
    def test_the_command_rebuilds_every_articles_vector(self, indexed_article, capsys):
        ArticleFactory(title="Brine", standfirst="Another.")  # never indexed: its commit did not happen
        Article.objects.update(search_vector=None, search_document="")
        assert found("coastal") == []

        call_command("rebuild_search_index")

        assert capsys.readouterr().out.strip() == "Rebuilt the search index of 2 articles."
        assert found("coastal") == ["Salt and iron"]
        assert found("another") == ["Brine"]

    def test_refreshing_articles_that_are_gone_does_nothing(self, indexed_article):
        assert refresh_search_vectors([indexed_article.pk, indexed_article.pk + 1000]) == 1


class TestMigrations:
    def test_pg_trgm_is_installed(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            assert cursor.fetchone() == (1,)

    def test_the_vector_has_a_gin_index(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'articles_article' AND indexname = %s",
                ["article_search_vector_gin"],
            )
            (definition,) = cursor.fetchone()
        assert "USING gin (search_vector)" in definition

    def test_the_full_text_query_can_use_the_index(self, indexed_article):
        with CaptureQueriesContext(connection) as queries:
            assert list(Article.objects.search("salt")) == [indexed_article]
        full_text = queries.captured_queries[0]["sql"]  # the newest matches' ids; the page then reads them by id
        assert "@@" in full_text
        with connection.cursor() as cursor:
            # A table this small is cheaper read whole, or through the newest-first index: rule both out.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute(f"EXPLAIN {full_text}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "article_search_vector_gin" in plan

    def test_the_closest_word_is_found_through_the_lexicons_trigram_index(self, misspellable):
        plan = sql_plan(CLOSEST_WORDS, [["zimer"]])
        assert "searchword_trgm" in plan
        assert "<->" in plan  # ordered by distance through the index, not by sorting every word

    def test_the_old_close_match_indexes_are_gone(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s ORDER BY 1", ["%_trgm"])
            assert [name for (name,) in cursor.fetchall()] == [
                "composer_name_upper_trgm",
                "searchword_trgm",
                "work_title_upper_trgm",
            ]

    @pytest.mark.parametrize(
        ("model", "index"), [(Composer, "composer_name_upper_trgm"), (Work, "work_title_upper_trgm")]
    )
    def test_the_names_a_query_names_are_found_through_a_trigram_index(self, model, index):
        with CaptureQueriesContext(connection) as queries:
            list(model.objects.matching("zimmer or glass -orchard")[:10])
        assert index in sql_plan(queries.captured_queries[0]["sql"])


class TestManyMatches:
    def test_past_the_limit_only_the_newest_matches_are_ranked_and_counted(self, committed, monkeypatch):
        monkeypatch.setattr("articles.search.postgres.SEARCH_MAX_RESULTS", 2)
        with committed():
            ArticleFactory(title="Oldest oboe", standfirst="An oboe.", publish_at=ago(days=3))
            ArticleFactory(title="Newer", standfirst="An oboe.", publish_at=ago(days=2))
            ArticleFactory(title="Newest", standfirst="An oboe, an oboe.", publish_at=ago(days=1))

        results = Article.objects.published().search("oboe")

        assert [article.title for article in results] == ["Newest", "Newer"]
        assert results.count() == 2

    def test_a_page_reads_only_its_own_rows_in_the_order_ranked(self, client, committed, settings):
        settings.ARTICLES_PER_PAGE = 2
        with committed():
            for n in range(5):
                ArticleFactory(title=f"Oboe {n}", standfirst="An oboe. " * (n + 1), publish_at=ago(days=n + 1))
        ranked = list(Article.objects.published().search("oboe"))

        shown = []
        for number in (1, 2, 3):
            with CaptureQueriesContext(connection) as queries:
                page = get_page(client, reverse("articles:search", query={"q": "oboe", "page": number}))
            shown += [result.find("h2").text for result in page.find_all("li", class_="search-result")]
            (rows,) = [query["sql"] for query in queries.captured_queries if "array_position" in query["sql"]]
            page_ids = {article.pk for article in ranked[(number - 1) * 2 : number * 2]}
            assert {int(pk) for pk in re.search(r"'\{([\d,]+)\}'", rows)[1].split(",")} == page_ids

        assert shown == [article.title for article in ranked]

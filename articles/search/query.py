"""A reader's query, run: full text over the stored vector on PostgreSQL, a plain word search elsewhere; and the
works and composers whose names match it, on either.

``ArticleQuerySet.search()`` calls ``search_articles()``, the catalogue's ``matching()`` calls ``name_matches()``.
Nothing here imports the models: the queryset searched brings them.
"""

from functools import reduce
from operator import or_

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import models
from django.db.models import Case, F, Func, Lookup, Q, Value, When

from . import postgres
from .postgres import HIGHLIGHT_START, HIGHLIGHT_STOP, SEARCH_CONFIG, is_indexed
from .spelling import corrected_query

# The fields that a search on another database looks through, case-insensitively.
SUBSTRING_SEARCH_FIELDS = ["title", "standfirst", "work__title"]
SUBSTRING_SEARCH_RELATED_FIELDS = [
    "composers__name",
    "tags__name",
    "sections__heading",
    "sections__body",
    "featured_tracks__track__title",
    "featured_tracks__note",
]


class EqualsAny(Lookup):
    """``column = ANY(array)``: one parameter for a list of ids, where ``__in`` sends one per id."""

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def search_articles(articles, query: str):
    """The articles of this queryset matching the query, best first (``ArticleQuerySet.search()`` says how)."""
    query = " ".join(query.replace("\x00", " ").split())
    if not query:
        return articles.none()
    if is_indexed(articles.db):
        return full_text_search(articles, query)
    return substring_search(articles, query)


def full_text_search(articles, query: str):
    """Ranked full-text matches with their headline; when there are none, the matches of the corrected query.

    The results know their ranked ids: ``ranked_page(bottom, top)`` reads only a page's rows (the search page's
    paginator asks for it), where slicing the results sends every id, twice, and joins and sorts every match."""
    ranked = ranked_matches(articles, query)
    correction = ""
    if not ranked and (correction := corrected_query(query, using=articles.db) or ""):
        ranked = ranked_matches(articles, correction)
    if not ranked:
        return articles.none()
    results = ranked_rows(articles, ranked, correction or query, correction)
    results.known_count = len(ranked)
    results.ranked_page = lambda bottom, top: ranked_rows(articles, ranked[bottom:top], correction or query, correction)
    return results


def ranked_rows(articles, ranked: list[int], query: str, correction: str):
    """The articles of these ids, in their order, with the headline of the query (the corrected one, if any)."""
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    headline = SearchHeadline(
        "search_document",
        search_query,
        config=SEARCH_CONFIG,
        start_sel=HIGHLIGHT_START,
        stop_sel=HIGHLIGHT_STOP,
        min_words=20,
        max_words=40,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    # The rows come in the order ranked: one array parameter for the filter and the order.
    ids = Value(ranked, output_field=ArrayField(models.BigIntegerField()))
    return (
        articles.filter(EqualsAny(F("pk"), ids))
        .annotate(
            search_position=Func(ids, F("pk"), function="array_position", output_field=models.IntegerField()),
            search_headline=headline,
            search_correction=Value(correction),
        )
        .order_by("search_position")
    )


def ranked_matches(articles, query: str) -> list[int]:
    """The ids of the newest full-text matches (at most SEARCH_MAX_RESULTS), best first.

    Only the newest matches are ranked: a common phrase matches most articles, and checking and ranking each
    stored vector is what makes a search slow. Read newest first (a rare word through the GIN index), each
    match's rank computed once, here; ties keep the newest first."""
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    newest = (
        articles.filter(search_vector=search_query)
        .newest_first()
        .annotate(rank=SearchRank(F("search_vector"), search_query))
        .values_list("pk", "rank")[: postgres.SEARCH_MAX_RESULTS]  # read from its module: a test lowers it
    )
    return [pk for pk, _rank in sorted(newest, key=lambda match: -match[1])]


def query_words(query: str) -> tuple[list[list[str]], list[str]]:
    """A query's words in websearch syntax, read plainly: (the alternatives "or" separates, each a list of words
    that must all match; the -words that must not). Quotes are dropped."""
    alternatives: list[list[str]] = [[]]
    excluded = []
    for token in query.split():
        word = token.strip("\"'")
        if word.lower() == "or":
            alternatives.append([])
        elif word.startswith("-") and len(word) > 1:
            excluded.append(word[1:])
        elif word:
            alternatives[-1].append(word)
    return [words for words in alternatives if words], excluded


def substring_search(articles, query: str):
    """A plain search for other databases (SQLite), in the same syntax: every word somewhere in the article,
    "or" between alternatives, -word nowhere; quotes are ignored. Title matches first, then the newest. When
    nothing matches, the matches of the corrected query, as full text does (``search_correction``)."""
    results = substring_matches(articles, query).annotate(search_correction=Value(""))
    results.known_count = results.count()  # counted once: the page's paginator asks again
    if not results.known_count and (correction := corrected_query(query, using=articles.db)):
        results = substring_matches(articles, correction).annotate(search_correction=Value(correction))
    return results


def substring_matches(articles, query: str):
    alternatives, excluded = query_words(query)
    if not alternatives:
        return articles.none()
    model = articles.model
    matches = articles.filter(reduce(or_, (Q(*(mentioning(model, word) for word in words)) for words in alternatives)))
    for word in excluded:
        matches = matches.exclude(mentioning(model, word))
    title_matches = reduce(or_, (Q(*(Q(title__icontains=word) for word in words)) for words in alternatives))
    title_first = Case(When(title_matches, then=Value(1.0)), default=Value(0.0))
    return matches.annotate(search_rank=title_first).newest_first("-search_rank")


def mentioning(model, word: str) -> Q:
    """The articles that have the word in one of the searched fields."""
    condition = Q()
    for field in SUBSTRING_SEARCH_FIELDS:
        condition |= Q(**{f"{field}__icontains": word})
    # A subquery per relation: joining them all at once would multiply the rows of a long article.
    for field in SUBSTRING_SEARCH_RELATED_FIELDS:
        condition |= Q(pk__in=model._default_manager.filter(**{f"{field}__icontains": word}).values("pk"))
    return condition


def name_matches(queryset, field: str, query: str):
    """The rows whose ``field`` (a composer's name, a work's title) has a word starting with each word of the query,
    in the same syntax (or, -word), on any database: "zimmer" finds Hans Zimmer, "glass" The Glass Orchard."""
    alternatives, excluded = query_words(query)
    if not alternatives:
        return queryset.none()

    def named(word: str) -> Q:
        starts = Q(**{f"{field}__istartswith": word})
        word_start = reduce(or_, (Q(**{f"{field}__icontains": f"{space}{word}"}) for space in " -"), starts)
        # The word anywhere first: one test that a trigram index serves (migration 0016) and that rules out most
        # rows before the three that say where it starts are read.
        return Q(**{f"{field}__icontains": word}) & word_start

    matches = queryset.filter(reduce(or_, (Q(*map(named, words)) for words in alternatives)))
    for word in excluded:
        matches = matches.exclude(named(word))
    return matches

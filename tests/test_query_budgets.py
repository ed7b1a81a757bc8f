"""Every public page makes at most ten SQL queries, and the same number however big the site grows (issue 7).

Each test counts the queries of every public page on a small site, grows the site (more articles, and on each more
sections, featured tracks, composers, tags and comments), and counts again.
"""

from datetime import timedelta

import pytest
import sqlparse
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from sqlparse.sql import Identifier, IdentifierList
from sqlparse.tokens import Keyword

from articles.models import Article
from comments.forms import new_form_token
from comments.models import Comment
from pagecache.stamps import catalogue_changed
from tests.utils.factories import (
    ArticleFactory,
    CommentFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    UserFactory,
    WorkFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

BUDGET = 10


def add_to(article: Article, n: int) -> None:
    """n more sections, featured tracks (each with a composer), tags, composers and comment threads."""
    start = article.sections.count()
    composers = [ComposerFactory() for _ in range(n)]
    article.composers.add(*composers)
    article.tags.add(*(f"tag {article.pk}-{start + i}" for i in range(n)), "shared")
    for i in range(n):
        section = SectionFactory(article=article, position=start + i + 1)
        track = TrackFactory(work=article.work)
        track.composers.add(composers[i])
        featured = FeaturedTrackFactory(article=article, track=track, section=section, position=start + i + 1)
        top = CommentFactory(article=article, favourite_track=featured, body="Listen for the ||harp||.")
        reply = CommentFactory(parent=top)
        CommentFactory(parent=reply)
        CommentFactory(parent=top, favourite_track=featured)


class Site:
    def __init__(self):
        self.work = WorkFactory(title="The Glass Orchard")
        self.articles = []
        self.grow(articles=3, each=2)

    def grow(self, *, articles: int, each: int) -> None:
        for article in self.articles:
            add_to(article, each)
        for n in range(articles):
            article = ArticleFactory(
                work=self.work, title=f"Score {len(self.articles)}", publish_at=timezone.now() - timedelta(days=n + 1)
            )
            add_to(article, each + len(self.articles))
            self.articles.append(article)

    def pages(self) -> dict[str, str]:
        article = self.articles[0]
        composer = article.composers.first()
        tag = "shared"
        return {
            "home": reverse("articles:home"),
            "home, page 2": reverse("articles:home") + "?page=2",
            "article": article.get_absolute_url(),
            "article, comments page 2": article.get_absolute_url() + "?comments=2",
            "article, one track's pickers": f"{article.get_absolute_url()}?picked={article.featured_tracks.first().pk}",
            "tag": reverse("articles:tag", args=[tag]),
            "composer": composer.get_absolute_url(),
            "work": self.work.get_absolute_url(),
            "search": reverse("articles:search") + "?q=score",
            "search, misspelt": reverse("articles:search") + "?q=scoer",
            "RSS": reverse("articles:feed_rss"),
            "Atom": reverse("articles:feed_atom"),
            "tag feed": reverse("articles:tag_feed_rss", args=[tag]),
            "composer feed": reverse("articles:composer_feed_atom", args=[composer.slug]),
            "work feed": reverse("articles:work_feed_rss", args=[self.work.slug]),
            "sitemap index": reverse("sitemap"),
            **{f"sitemap: {section}": reverse("sitemap_section", args=[section]) for section in SITEMAP_SECTIONS},
        }


SITEMAP_SECTIONS = ["articles", "tags", "composers", "works"]


@pytest.fixture
def site(settings) -> Site:
    settings.ARTICLES_PER_PAGE = 2
    settings.COMMENTS_THREADS_PER_PAGE = 3
    return Site()


def count_queries(client: Client, url: str, *, cold: bool) -> int:
    if cold:  # a cache miss: no page, no card and no scheduling date in the cache
        cache.clear()
    else:  # the dearest warm view: content just changed, so the article's comment list is built again
        catalogue_changed()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def counts(site: Site, client: Client, *, cold: bool) -> dict[str, int]:
    return {name: count_queries(client, url, cold=cold) for name, url in site.pages().items()}


def assert_within_budget_and_flat(site: Site, client: Client, *, cold: bool, budget: int = BUDGET) -> None:
    small = counts(site, client, cold=cold)
    site.grow(articles=4, each=3)
    large = counts(site, client, cold=cold)

    assert large == small
    assert {name: n for name, n in large.items() if n > budget} == {}


def test_an_anonymous_readers_pages_stay_within_the_budget_on_a_cache_miss(site):
    assert_within_budget_and_flat(site, Client(), cold=True)


def test_a_signed_in_readers_pages_stay_within_the_budget(site):
    client = Client()
    client.force_login(UserFactory())
    client.get(reverse("articles:home"))  # the session is in the cache from then on, as in production

    # One more than an anonymous reader's miss: the reader's own row. (Their pages go through the page cache too,
    # which asks when the next scheduled article is due once after each change: the views measured here come
    # right after one.)
    assert_within_budget_and_flat(site, client, cold=False, budget=BUDGET + 1)


def test_the_signed_in_article_page_makes_no_more_queries_than_the_anonymous_one_plus_the_reader(site):
    url = site.articles[0].get_absolute_url()
    client = Client()
    client.force_login(UserFactory())
    client.get(url)

    # Both ask the page cache, which asks when the next scheduled article goes public; the signed-in reader's page
    # also reads their own row.
    assert count_queries(client, url, cold=False) == count_queries(Client(), url, cold=True) + 1


def selected_columns(sql: str) -> list[str]:
    """The items of a query's SELECT list, as written (a column, or an expression with its alias)."""
    for token in sqlparse.parse(sql)[0].tokens:
        if isinstance(token, IdentifierList):
            return [str(item) for item in token.get_identifiers()]
        if isinstance(token, Identifier):
            return [str(token)]
        if token.match(Keyword, "FROM"):
            break
    return []


def test_no_page_reads_the_articles_search_text(site):
    """The search document and vector hold the whole article's text (twice): the database reads them to match,
    rank and cut snippets, but no page fetches them."""
    client = Client()
    client.force_login(UserFactory())
    text_columns = {'"articles_article"."search_document"', '"articles_article"."search_vector"'}
    for name, url in site.pages().items():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        fetched = [set(selected_columns(query["sql"])) & text_columns for query in queries.captured_queries]
        assert [columns for columns in fetched if columns] == [], name


def test_posting_a_comment_makes_the_same_queries_however_many_tracks_the_article_features(site, settings):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    few, many = site.articles[0], site.articles[-1]
    assert few.featured_tracks.count() < many.featured_tracks.count()

    def post(article: Article, n: int, *, pick: bool = False) -> int:
        form = {"author_name": "Ada", "author_email": f"ada{n}@example.com", "body": f"Thought {n}."}
        form |= {"form_token": new_form_token(), "favourite_track": article.featured_tracks.last().pk if pick else ""}
        with CaptureQueriesContext(connection) as queries:
            response = Client().post(reverse("comments:post", args=[article.slug]), form)
        assert response.status_code == 302
        return len(queries)

    first_few, first_many = post(few, 1), post(many, 2)  # each article read, its featured tracks in one query
    assert first_few == first_many
    # Then kept with them (articles/pages.py): a picked track is checked against those, with no query of its own.
    assert post(few, 3, pick=True) == post(many, 4, pick=True) == post(few, 5) < first_few
    assert Comment.objects.filter(author_name="Ada").count() == 5
    assert Comment.objects.filter(author_name="Ada", favourite_track__isnull=False).count() == 2

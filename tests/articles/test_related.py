"""More like this: up to four articles nearest to the one read (its composers, then its work, then its tags, then
the words of its title and standfirst, read only for the places left), read with its neighbours and kept with its
cached parts;
and the timeline of a composer's works on their page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from articles.nearby import nearby
from tests.utils.clock import ago
from tests.utils.factories import ArticleFactory, ComposerFactory, TrackFactory, WorkFactory
from tests.utils.html import get_page

pytestmark = pytest.mark.django_db
DRAFT = Article.Status.DRAFT


@pytest.fixture
def read():
    """The article read: one composer, one work, two tags."""
    article = ArticleFactory(title="Strings under the ice", standfirst="A cold score.", publish_at=ago(days=30))
    article.composers.add(ComposerFactory(name="Ilse Varnholt"))
    article.tags.add("strings", "winter")
    return article


def make(title, *, days, composers=(), work=None, tags=(), **fields):
    other = ArticleFactory(title=title, standfirst="Nothing in common.", publish_at=ago(days=days), **fields)
    if work:
        Article.objects.filter(pk=other.pk).update(work=work)
    other.composers.add(*composers)
    other.tags.add(*tags)
    return other


def related_titles(article) -> list[str]:
    prefetched = Article.objects.prefetch_related("composers", "tags").get(pk=article.pk)
    return [other.title for other in nearby(prefetched).related]


def test_composers_weigh_most_then_the_work_then_tags_newest_first_among_equals(read):
    composer = read.composers.get()
    make("Same composer, same tag", days=5, composers=[composer], tags=["strings"])
    make("Same composer", days=1, composers=[composer])
    make("Same work", days=2, work=read.work)
    make("Two shared tags", days=3, tags=["strings", "winter"])
    make("One shared tag", days=4, tags=["winter"])
    make("Nothing shared", days=6)

    assert related_titles(read) == ["Same composer, same tag", "Same composer", "Same work", "Two shared tags"]


def test_only_published_articles_other_than_itself_and_at_most_four(read):
    for n in range(5):
        make(f"Sharing {n}", days=n + 1, tags=["strings"])
    make("A draft sharing everything", days=2, composers=read.composers.all(), work=read.work, status=DRAFT)
    make("Scheduled, sharing everything", days=-2, composers=read.composers.all(), work=read.work)

    assert related_titles(read) == ["Sharing 0", "Sharing 1", "Sharing 2", "Sharing 3"]


def test_neighbours_and_four_sharing_something_come_in_one_query(read):
    make("Earlier", days=40, tags=["strings"])
    make("Later", days=20)
    for n in range(3):
        make(f"Strings and ice {n}", days=n + 1, tags=["winter"])
    prefetched = Article.objects.prefetch_related("composers", "tags").get(pk=read.pk)

    with CaptureQueriesContext(connection) as queries:
        found = nearby(prefetched)

    assert len(queries) == 1
    assert (found.previous.title, found.next.title, [a.title for a in found.related]) == (
        "Earlier",
        "Later",
        ["Strings and ice 0", "Strings and ice 1", "Strings and ice 2", "Earlier"],
    )


@pytest.mark.postgresql("text similarity is PostgreSQL's full text")
def test_when_few_share_anything_the_rest_share_words_of_its_title_and_standfirst(committed):
    with committed():  # the search index is refreshed when the articles commit
        read = make("Strings under the ice", days=30, tags=["winter"])
        Article.objects.filter(pk=read.pk).update(standfirst="A cold score.")
        make("Sharing a tag", days=1, tags=["winter"])
        make("Ice and strings again", days=2)
        make("A score as cold as ice", days=3)
        make("Brass fanfares", days=4)

    # "A score as cold as ice" shares two of its words (score, cold), "Ice and strings again" one (strings).
    prefetched = Article.objects.prefetch_related("composers", "tags").get(pk=read.pk)
    with CaptureQueriesContext(connection) as queries:
        related = [other.title for other in nearby(prefetched).related]

    assert related == ["Sharing a tag", "A score as cold as ice", "Ice and strings again"]
    assert len(queries) == 1


@pytest.mark.postgresql("the plan of a full-text ranking is PostgreSQL's")
@pytest.mark.parametrize(("sharing", "ranked_by_words"), [(4, False), (3, True)])
def test_words_are_ranked_only_when_fewer_than_four_share_anything_else(committed, sharing, ranked_by_words):
    """Ranking by words reads the stored vector of every article with one of them: the database skips it when a
    fourth article shares a composer, the work or a tag."""
    with committed():
        read = make("Strings under the ice", days=30, tags=["winter"])
        for n in range(sharing):
            make(f"Sharing a tag {n}", days=n + 1, tags=["winter"])
        make("Ice and strings again", days=9)
    prefetched = Article.objects.prefetch_related("composers", "tags").get(pk=read.pk)

    with CaptureQueriesContext(connection) as queries:
        nearby(prefetched)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {queries.captured_queries[0]['sql']}")
        plan = [row[0] for row in cursor.fetchall()]

    (ranking,) = [line for line in plan if "ts_rank" in line and "Sort Key" in line]
    ranking_node = plan[plan.index(ranking) - 1]
    assert ("never executed" not in ranking_node) == ranked_by_words


def test_the_page_links_them_and_is_purged_when_one_changes(client, read, settings):
    other = make("Same composer", days=1, composers=read.composers.all())

    page = get_page(client, read.get_absolute_url())

    links = page.find("aside", class_="related-articles").find_all("a")
    assert [(link.text, link.attrs["href"]) for link in links] == [("Same composer", other.get_absolute_url())]
    other.title = "Same composer, renamed"
    other.save()
    assert (
        "Same composer, renamed"
        in get_page(client, read.get_absolute_url()).find("aside", class_="related-articles").text
    )


def test_an_article_sharing_nothing_with_any_other_shows_no_related_section(client, read):
    make("Nothing shared", days=1)

    page = get_page(client, read.get_absolute_url())

    assert page.find_all("aside", class_="related-articles") == []


def test_a_composers_page_shows_the_timeline_of_their_works(client):
    composer = ComposerFactory()
    late, early, undated = (
        WorkFactory(title="Late", year=2021),
        WorkFactory(title="Early", year=1999),
        WorkFactory(title="Undated", year=None),
    )
    TrackFactory(work=late).composers.add(composer)
    ArticleFactory(work=early).composers.add(composer)
    ArticleFactory(work=undated).composers.add(composer)
    ArticleFactory(work=WorkFactory(title="A draft's work"), status=DRAFT, publish_at=None).composers.add(composer)
    TrackFactory(work=WorkFactory(title="Someone else's"))

    timeline = get_page(client, composer.get_absolute_url()).find("section", class_="composer-timeline")

    entries = [item.text.split() for item in timeline.find_all("li")]
    assert [(entry[0], entry[1]) for entry in entries[:2]] == [("1999", "Early"), ("2021", "Late")]
    assert entries[2][:3] == ["Year", "unknown", "Undated"]
    assert len(entries) == 3


def test_an_article_without_composers_or_tags_still_finds_those_sharing_its_work_or_its_tags():
    lone = make("No composers", days=10, tags=["winter"])
    bare = make("No composers, no tags", days=9)
    make("Sharing the tag", days=1, tags=["winter"])
    make("Sharing the work", days=2, work=bare.work)

    assert related_titles(lone) == ["Sharing the tag"]
    assert related_titles(bare) == ["Sharing the work"]

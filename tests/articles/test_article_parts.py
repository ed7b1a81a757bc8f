"""The parts of an article's page that only its content changes (articles/pages.py) are rendered once and shared;
every change readers could see shows on the next view, and previews are never cached."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Section, Track
from tests.utils.factories import (
    ArticleFactory,
    FeaturedTrackFactory,
    SectionFactory,
    TrackFactory,
    UserFactory,
    editor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    article = ArticleFactory(title="The long cue")
    SectionFactory(article=article, heading="Opening", body="The *opening* theme.")
    FeaturedTrackFactory(article=article, track=TrackFactory(work=article.work, title="Main Title"))
    article.tags.add("FilmMusic")
    return article


@pytest.fixture
def reader(client):
    client.force_login(UserFactory())
    return client


def view(client, article) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def article_element(page: str) -> str:
    return page.split('<article class="article"', 1)[1].split("</article>", 1)[0]


def test_the_second_view_shows_the_same_article_without_its_prefetch_queries(reader, article):
    first, first_queries = view(reader, article)
    second, second_queries = view(reader, article)

    assert article_element(second) == article_element(first)
    # The tags, composers, sections, featured tracks, their tracks' composers and the neighbours are not read.
    assert second_queries <= first_queries - 5
    for shown in ("The long cue", "<em>opening</em> theme", "Main Title", 'content="FilmMusic"', "application/ld+json"):
        assert shown in second


def test_an_edited_section_shows_on_the_next_view(reader, article):
    view(reader, article)
    section = Section.objects.get(article=article)
    section.body = "A *rewritten* theme."
    section.save()

    page, _ = view(reader, article)

    assert "<em>rewritten</em> theme" in page
    assert "<em>opening</em>" not in page


def test_a_renamed_track_shows_on_the_next_view(reader, article):
    view(reader, article)
    track = Track.objects.get(title="Main Title")
    track.title = "End Credits"
    track.save()

    page, _ = view(reader, article)

    assert "End Credits" in page
    assert "Main Title" not in page


def test_a_new_tag_shows_on_the_next_view(reader, article):
    view(reader, article)
    article.tags.add("GameMusic")

    page, _ = view(reader, article)

    assert 'content="GameMusic"' in page


def test_a_draft_seen_by_its_editor_is_never_cached(client, article):
    client.force_login(editor())
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT, publish_at=None)
    view(client, article)
    # Changed behind the application's back (no signal, no new stamp): only an uncached page can show it.
    Section.objects.filter(article=article).update(body_html="<p>Straight from the database.</p>")

    page, _ = view(client, article)

    assert "Straight from the database." in page

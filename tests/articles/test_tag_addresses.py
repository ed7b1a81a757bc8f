"""Tags that keep their addresses: a tag renamed or merged away keeps its old names and slugs as aliases, whose
pages and feeds answer 301 to the tag's; an alias typed among an article's tags means its tag; a tag has a short
description on its page."""

import pytest
from django.test import TestCase
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, TagAlias, TagDescription
from articles.portability.importing import import_article_file
from tests.utils.admin import article_data, change_url, form_data
from tests.utils.edge import RecordingEdgeCache
from tests.utils.factories import ArticleFactory, WorkFactory, editor
from tests.utils.html import get_page, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    client.force_login(editor())
    return client


def addresses(slug: str) -> list[str]:
    return [
        reverse(name, kwargs={"slug": slug})
        for name in ("articles:tag", "articles:tag_feed_rss", "articles:tag_feed_atom")
    ]


def assert_moved(client, old_slug: str, new_slug: str) -> None:
    for old, new in zip(addresses(old_slug), addresses(new_slug), strict=True):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
        assert client.get(new).status_code == 200, new


def rename(client, tag: Tag, *, name: str, slug: str):
    data = form_data(client.get(change_url(tag)), form_id="tag_form")
    data |= {"name": [name], "slug": [slug]}
    return client.post(change_url(tag), data)


def test_a_renamed_tags_old_page_and_feeds_answer_301_to_the_new_ones(client, signed_in):
    ArticleFactory().tags.add("filmmusic")
    tag = Tag.objects.get(name="filmmusic")

    response = rename(signed_in, tag, name="Film music", slug="film-music")

    assert response.status_code == 302
    assert_moved(client, "filmmusic", "film-music")
    assert list(TagAlias.objects.values_list("name", "slug", "tag__name")) == [("filmmusic", "filmmusic", "Film music")]


def test_renaming_back_gives_the_tag_its_address_again(signed_in):
    ArticleFactory().tags.add("scores")
    tag = Tag.objects.get(name="scores")
    rename(signed_in, tag, name="Film scores", slug="film-scores")

    rename(signed_in, Tag.objects.get(pk=tag.pk), name="scores", slug="scores")

    assert signed_in.get(reverse("articles:tag", kwargs={"slug": "scores"})).status_code == 200
    assert list(TagAlias.objects.values_list("slug", flat=True)) == ["film-scores"]


def test_merged_tags_move_their_articles_and_addresses_to_the_tag_they_merge_into(client, signed_in):
    both, only_old = ArticleFactory(), ArticleFactory()
    both.tags.add("Soundtrack", "OST")
    only_old.tags.add("OST", "ost-music")
    TagAlias.objects.create(tag=Tag.objects.get(name="ost-music"), name="o.s.t.", slug="o-s-t")
    session = signed_in.session
    session["selected_tag_ids"] = ",".join(
        str(pk) for pk in Tag.objects.filter(name__in=["OST", "ost-music"]).values_list("pk", flat=True)
    )
    session.save()

    response = signed_in.post(reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "Soundtrack"})

    assert response.status_code == 302
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Soundtrack"]
    assert [sorted(t.name for t in article.tags.all()) for article in (both, only_old)] == [
        ["Soundtrack"],
        ["Soundtrack"],
    ]
    for old in ("ost", "ost-music", "o-s-t"):
        assert_moved(client, old, "soundtrack")


def test_an_alias_typed_among_an_articles_tags_means_its_tag(signed_in):
    ArticleFactory().tags.add("Film music")
    tag = Tag.objects.get(name="Film music")
    TagAlias.objects.create(tag=tag, name="filmmusic")
    work = WorkFactory()

    response = signed_in.post(reverse("admin:articles_article_add"), article_data(work, tags="FILMMUSIC, strings"))

    assert response.status_code == 302
    article = Article.objects.get(work=work)
    assert sorted(t.name for t in article.tags.all()) == ["Film music", "strings"]
    assert not Tag.objects.filter(name__iexact="filmmusic").exists()


def test_an_imported_articles_aliases_mean_their_tags(tmp_path):
    tag = Tag.objects.create(name="Film music")
    TagAlias.objects.create(tag=tag, name="filmmusic")
    work = WorkFactory()
    path = tmp_path / "imported.md"
    path.write_text(f"---\ntitle: Imported\nwork:\n  title: {work.title}\ntags:\n- filmmusic\n- Film music\n---\nIt.\n")

    import_article_file(path)

    assert [t.name for t in Article.objects.get(title="Imported").tags.all()] == ["Film music"]


def test_an_alias_may_not_take_another_tags_name(signed_in):
    ArticleFactory().tags.add("Film music", "Strings")
    tag = Tag.objects.get(name="Film music")
    data = form_data(signed_in.get(change_url(tag)), form_id="tag_form")
    data |= {"aliases-0-name": ["strings"], "aliases-0-slug": [""]}

    response = signed_in.post(change_url(tag), data)

    assert response.status_code == 200
    assert "is a tag of its own: merge the two tags instead" in parse(response).text
    assert not TagAlias.objects.exists()


def test_a_tags_page_shows_its_description(client):
    ArticleFactory().tags.add("leitmotif")
    tag = Tag.objects.get(name="leitmotif")
    TagDescription.objects.create(tag=tag, text="A recurring musical idea tied to a character, place or thing.")

    page = get_page(client, reverse("articles:tag", kwargs={"slug": "leitmotif"}))

    assert (
        page.find("p", class_="tag-description").text == "A recurring musical idea tied to a character, place or thing."
    )
    assert page.find("meta", name="description").attrs["content"] == tag.description.text


def test_an_unknown_tag_is_still_not_found(client):
    assert client.get(reverse("articles:tag", kwargs={"slug": "nothing"})).status_code == 404
    assert client.get(reverse("articles:tag_feed_rss", kwargs={"slug": "nothing"})).status_code == 404


@pytest.mark.page_cache
def test_a_new_description_shows_on_the_cached_tag_page_and_purges_it(client, settings):
    settings.EDGE_CACHE_BACKEND = "tests.utils.edge.RecordingEdgeCache"
    RecordingEdgeCache.purged()
    ArticleFactory().tags.add("leitmotif")
    tag = Tag.objects.get(name="leitmotif")
    url = reverse("articles:tag", kwargs={"slug": "leitmotif"})
    assert get_page(client, url).find_all("p", class_="tag-description") == []

    with TestCase.captureOnCommitCallbacks(execute=True):
        TagDescription.objects.create(tag=tag, text="A recurring idea.")

    assert get_page(client, url).find("p", class_="tag-description").text == "A recurring idea."
    assert f"tag-{tag.pk}" in RecordingEdgeCache.purged()

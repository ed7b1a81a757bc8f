"""Playlists of an article's featured tracks, a work's soundtrack and a composer's featured tracks: XSPF that
validates against the schema of XSPF 1 (tests/articles/schemas/xspf-1.xsd, written from the specification) and
M3U8 that the m3u8 package reads, each in the page's order, with names and quotes kept as they are."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import m3u8
import pytest
import xmlschema
from django.urls import reverse

from articles.models import Article
from tests.utils.clock import ago
from tests.utils.factories import ArticleFactory, ComposerFactory, FeaturedTrackFactory, TrackFactory, WorkFactory
from tests.utils.html import get_page

pytestmark = pytest.mark.django_db

XSPF_SCHEMA = xmlschema.XMLSchema(Path(__file__).parent / "schemas" / "xspf-1.xsd")
NS = {"x": "http://xspf.org/ns/0/"}
HOSTILE = "Ma \"Belle\" & <the> Beast, 'Reprise'\nNext line"


@pytest.fixture
def article():
    work = WorkFactory(title="The Glass Orchard")
    ilse, arvo = ComposerFactory(name="Ilse Varnholt"), ComposerFactory(name="Arvo Lind")
    lament = TrackFactory(work=work, position=1, title="The Keeper's Lament", duration=timedelta(minutes=4, seconds=12))
    lament.composers.add(ilse, arvo)
    hostile = TrackFactory(work=work, position=2, title=HOSTILE, duration=None)
    hostile.composers.add(ilse)
    article = ArticleFactory(work=work, title="Why The Glass Orchard's score matters")
    FeaturedTrackFactory(article=article, track=hostile, position=1, listening_url="")
    FeaturedTrackFactory(article=article, track=lament, position=2, listening_url="https://open.spotify.com/track/abc")
    return article


def fetch(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def xspf_tracks(client, url: str) -> list[dict[str, str]]:
    response = fetch(client, url)
    assert response["Content-Type"] == "application/xspf+xml"
    XSPF_SCHEMA.validate(response.content)  # raises on anything the schema refuses
    root = ET.fromstring(response.content)
    return [
        {child.tag.split("}")[1]: child.text for child in track} for track in root.findall("x:trackList/x:track", NS)
    ]


def m3u8_playlist(client, url: str) -> m3u8.M3U8:
    response = fetch(client, url)
    assert response["Content-Type"].startswith("audio/mpegurl")
    return m3u8.loads(response.content.decode())


def test_an_articles_xspf_lists_its_featured_tracks_in_its_order(client, article):
    url = reverse("articles:article_playlist", args=[article.slug, "xspf"])

    tracks = xspf_tracks(client, url)

    page = f"http://testserver{article.get_absolute_url()}"
    assert tracks == [
        {
            "location": f"{page}#track-1",  # no listening link: the article's own place for it
            "title": HOSTILE,  # XML carries the quotes, the ampersand, the brackets and the line break as they are
            "creator": "Ilse Varnholt",
            "info": f"{page}#track-1",
            "album": "The Glass Orchard",
        },
        {
            "location": "https://open.spotify.com/track/abc",
            "title": "The Keeper's Lament",
            "creator": "Arvo Lind, Ilse Varnholt",
            "info": f"{page}#track-2",
            "album": "The Glass Orchard",
            "duration": "252000",
        },
    ]


def test_an_articles_m3u8_reads_back_with_durations_names_and_addresses(client, article):
    playlist = m3u8_playlist(client, reverse("articles:article_playlist", args=[article.slug, "m3u8"]))

    page = f"http://testserver{article.get_absolute_url()}"
    assert [(s.duration, s.title, s.uri) for s in playlist.segments] == [
        (-1, f"Ilse Varnholt - {HOSTILE.replace(chr(10), ' ')}", f"{page}#track-1"),
        (252, "Arvo Lind, Ilse Varnholt - The Keeper's Lament", "https://open.spotify.com/track/abc"),
    ]


def test_a_works_playlist_is_its_soundtrack_with_the_links_articles_give(client, article):
    work = article.work
    TrackFactory(work=work, position=3, title="Harvest of Light")

    tracks = xspf_tracks(client, reverse("articles:work_playlist", args=[work.slug, "xspf"]))
    segments = m3u8_playlist(client, reverse("articles:work_playlist", args=[work.slug, "m3u8"])).segments

    assert [track["title"] for track in tracks] == ["The Keeper's Lament", HOSTILE, "Harvest of Light"]
    assert tracks[0]["location"] == "https://open.spotify.com/track/abc"
    assert tracks[2]["location"] == f"http://testserver{work.get_absolute_url()}"
    assert len(segments) == 3


def test_a_composers_playlist_holds_their_tracks_that_published_articles_feature_each_once(client, article):
    ilse = article.work.tracks.get(position=2).composers.get()
    again = ArticleFactory(work=article.work, publish_at=ago(days=30))
    FeaturedTrackFactory(article=again, track=article.work.tracks.get(position=1), position=1)
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    unpublished = TrackFactory(work=draft.work, title="Only in a draft")
    unpublished.composers.add(ilse)
    FeaturedTrackFactory(article=draft, track=unpublished)

    tracks = xspf_tracks(client, reverse("articles:composer_playlist", args=[ilse.slug, "xspf"]))

    assert [track["title"] for track in tracks] == [HOSTILE, "The Keeper's Lament"]


def test_pages_link_their_playlists(client, article):
    composer = ComposerFactory()
    pages = {
        article.get_absolute_url(): reverse("articles:article_playlist", args=[article.slug, "m3u8"]),
        article.work.get_absolute_url(): reverse("articles:work_playlist", args=[article.work.slug, "m3u8"]),
        composer.get_absolute_url(): reverse("articles:composer_playlist", args=[composer.slug, "m3u8"]),
    }
    for page, playlist in pages.items():
        links = get_page(client, page).find("p", class_="playlist-links").find_all("a")
        assert [link.attrs["href"] for link in links] == [playlist.replace(".m3u8", ".xspf"), playlist], page


@pytest.mark.parametrize("path", ["/articles/nothing/playlist.xspf", "/works/nothing/playlist.m3u8"])
def test_an_unknown_page_or_format_is_not_found(client, article, path):
    assert client.get(path).status_code == 404
    assert client.get(reverse("articles:article_playlist", args=[article.slug, "pls"])).status_code == 404


def test_a_drafts_playlist_is_not_public(client):
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)

    assert client.get(reverse("articles:article_playlist", args=[draft.slug, "xspf"])).status_code == 404

"""Players in place: a listening link's embedded player, built only from the ids a strict pattern finds in the link
(never from the link's other text), framed from exactly the origins the Content Security Policy lists, offered on
the article page as a hidden button the script shows, the plain link kept for readers without it."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.players import Player, frame_origins, player_for
from tests.utils.factories import ArticleFactory, FeaturedTrackFactory, TrackFactory
from tests.utils.html import get_page

PLAYER_ORIGINS = [
    "https://www.youtube-nocookie.com",
    "https://open.spotify.com",
    "https://embed.music.apple.com",
    "https://bandcamp.com",
    "https://w.soundcloud.com",
]
VIDEO = "dQw4w9WgXcQ"
SPOTIFY_ID = "4uLU6hMCjMI75M1A2tKUQC"


YOUTUBE_PLAYER = Player(f"https://www.youtube-nocookie.com/embed/{VIDEO}?autoplay=1", "video")
SOUNDCLOUD_PLAYER = "https://w.soundcloud.com/player/?url=https%3A%2F%2Fsoundcloud.com%2Fmira-holt%2F"
APPLE_PLAYER = "https://embed.music.apple.com"
SPOTIFY_PLAYER = "https://open.spotify.com/embed"
BANDCAMP_EMBED = "https://bandcamp.com/EmbeddedPlayer"
BANDCAMP_LOOK = "size=large/bgcol=ffffff/linkcol=0687f5/tracklist=false/artwork=small"


@pytest.mark.parametrize(
    ("link", "player"),
    [
        (f"https://www.youtube.com/watch?v={VIDEO}", YOUTUBE_PLAYER),
        (f"https://youtube.com/watch?v={VIDEO}&t=42s&list=PL1", YOUTUBE_PLAYER),
        (f"https://m.youtube.com/watch?feature=share&v={VIDEO}", YOUTUBE_PLAYER),
        (f"https://music.youtube.com/watch?v={VIDEO}", YOUTUBE_PLAYER),
        (f"https://youtu.be/{VIDEO}?si=abc", YOUTUBE_PLAYER),
        (f"https://YOUTU.BE/{VIDEO}", YOUTUBE_PLAYER),
        (f"https://open.spotify.com/track/{SPOTIFY_ID}?si=x", (f"{SPOTIFY_PLAYER}/track/{SPOTIFY_ID}", "track")),
        (f"https://open.spotify.com/intl-de/album/{SPOTIFY_ID}", (f"{SPOTIFY_PLAYER}/album/{SPOTIFY_ID}", "list")),
        (f"https://open.spotify.com/intl-pt-br/playlist/{SPOTIFY_ID}/",
         (f"{SPOTIFY_PLAYER}/playlist/{SPOTIFY_ID}", "list")),
        ("https://music.apple.com/gb/album/the-glass-orchard/1440818660?i=1440818664&l=en",
         (f"{APPLE_PLAYER}/gb/album/the-glass-orchard/1440818660?i=1440818664", "track")),
        ("https://music.apple.com/us/album/1440818660", (f"{APPLE_PLAYER}/us/album/1440818660", "list")),
        ("https://music.apple.com/us/album/x/123?i=", (f"{APPLE_PLAYER}/us/album/x/123", "list")),  # no track
        ("https://music.apple.com/fr/album/l%C3%A9t%C3%A9/123",
         (f"{APPLE_PLAYER}/fr/album/l%C3%A9t%C3%A9/123", "list")),
        ("https://music.apple.com/us/playlist/scores/pl.u-abc123",
         (f"{APPLE_PLAYER}/us/playlist/scores/pl.u-abc123", "list")),
        ("https://soundcloud.com/mira-holt/harvest_of-light",
         (f"{SOUNDCLOUD_PLAYER}harvest_of-light&auto_play=true", "track")),
        ("https://m.soundcloud.com/mira-holt/sets/the-glass-orchard/?utm=x",
         (f"{SOUNDCLOUD_PLAYER}sets%2Fthe-glass-orchard&auto_play=true", "list")),
        (f"{BANDCAMP_EMBED}/album=1234567890/size=large/bgcol=ffffff/linkcol=0687f5/tracklist=false/track=987654321"
         "/transparent=true/",
         (f"{BANDCAMP_EMBED}/album=1234567890/{BANDCAMP_LOOK}/track=987654321/transparent=true/", "track")),
        (f"{BANDCAMP_EMBED}/track=987654321/album=1234567890/size=small/bgcol=transparent/v=2",  # any order
         (f"{BANDCAMP_EMBED}/album=1234567890/{BANDCAMP_LOOK}/track=987654321/transparent=true/", "track")),
        (f"{BANDCAMP_EMBED}/size=large/album=1/artwork=none/minimal=true/tracklist=true/",
         (f"{BANDCAMP_EMBED}/album=1/{BANDCAMP_LOOK}/transparent=true/", "list")),
        (f"{BANDCAMP_EMBED}.html/track=987654321/",
         (f"{BANDCAMP_EMBED}/{BANDCAMP_LOOK}/track=987654321/transparent=true/", "track")),
        ("https://BANDCAMP.com/EmbeddedPlayer/album=123456789012/?ref=x#t",  # the query and fragment are not read
         (f"{BANDCAMP_EMBED}/album=123456789012/{BANDCAMP_LOOK}/transparent=true/", "list")),
    ],
)  # fmt: skip
def test_a_providers_link_opens_its_player(link, player):
    assert player_for(link) == Player(*player)


@pytest.mark.parametrize(
    "link",
    [
        pytest.param("https://artist.bandcamp.com/track/harvest-of-light", id="bandcamp: its player needs numeric ids"),
        pytest.param("https://artist.bandcamp.com/album/dune", id="bandcamp-album-page"),
        pytest.param("https://artist.bandcamp.com/EmbeddedPlayer/track=1/", id="bandcamp-artist-subdomain-embed"),
        pytest.param("https://www.bandcamp.com/EmbeddedPlayer/track=1/", id="bandcamp-www"),
        pytest.param("http://bandcamp.com/EmbeddedPlayer/track=1/", id="bandcamp-http"),
        pytest.param("https://bandcamp.com:443/EmbeddedPlayer/track=1/", id="bandcamp-port"),
        pytest.param("https://bandcamp.com@evil.example/EmbeddedPlayer/track=1/", id="bandcamp-user-name"),
        pytest.param(f"{BANDCAMP_EMBED}/track=12a/", id="bandcamp-id-not-digits"),
        pytest.param(f"{BANDCAMP_EMBED}/album=%31/", id="bandcamp-id-escaped"),
        pytest.param(f"{BANDCAMP_EMBED}/track=1234567890123/", id="bandcamp-id-too-long"),
        pytest.param(f"{BANDCAMP_EMBED}/track=/", id="bandcamp-id-empty"),
        pytest.param(f"{BANDCAMP_EMBED}/track=1/ref=x/", id="bandcamp-unknown-key"),
        pytest.param(f"{BANDCAMP_EMBED}/track=1/Size=large/", id="bandcamp-key-not-lowercase"),
        pytest.param(f"{BANDCAMP_EMBED}/track=1/track=2/", id="bandcamp-duplicate-id"),
        pytest.param(f"{BANDCAMP_EMBED}/track=1/size=large/size=small/", id="bandcamp-duplicate-look"),
        pytest.param(f"{BANDCAMP_EMBED}/size=large/tracklist=false/", id="bandcamp-no-id"),
        pytest.param(f"{BANDCAMP_EMBED}/", id="bandcamp-embed-bare"),
        pytest.param(f"{BANDCAMP_EMBED}/track=1//", id="bandcamp-empty-segment"),
        pytest.param(f"{BANDCAMP_EMBED}/track=1/../album=2/", id="bandcamp-dot-segment"),
        pytest.param(f"{BANDCAMP_EMBED}/track=1/bgcol=ff%22/", id="bandcamp-look-escaped"),
        pytest.param("https://bandcamp.com/EmbeddedPlayerX/track=1/", id="bandcamp-other-path"),
        pytest.param("https://bandcamp.com/embeddedplayer/track=1/", id="bandcamp-path-case"),
        pytest.param("https://bandcamp.com/x/EmbeddedPlayer/track=1/", id="bandcamp-nested-path"),
        pytest.param("https://listen.tidal.com/track/1", id="tidal"),
        pytest.param("https://www.deezer.com/track/1", id="deezer"),
        pytest.param(f"https://evil.example/watch?v={VIDEO}", id="unknown-host"),
        pytest.param(f"https://notyoutube.com/watch?v={VIDEO}", id="suffix-not-subdomain"),
        pytest.param(f"https://youtube.com.evil.example/watch?v={VIDEO}", id="lookalike-host"),
        pytest.param(f"https://www.youtube.com@evil.example/watch?v={VIDEO}", id="user-name"),
        pytest.param(f"https://www.youtube.com:8443/watch?v={VIDEO}", id="port"),
        pytest.param(f"https://www.youtube.com./watch?v={VIDEO}", id="trailing-dot"),
        pytest.param(f"https://www.youtube.com\\@evil.example/watch?v={VIDEO}", id="backslash"),
        pytest.param(f"http://www.youtube.com/watch?v={VIDEO}", id="http"),
        pytest.param(f"javascript:alert(1)//https://youtu.be/{VIDEO}", id="javascript"),
        pytest.param(f"data:text/html,https://youtu.be/{VIDEO}", id="data"),
        pytest.param(f"//youtu.be/{VIDEO}", id="scheme-relative"),
        pytest.param("https://[youtu.be/x", id="unbalanced-bracket"),
        pytest.param("https://www.youtube.com/watch?v=dQw4w9WgXc", id="video-id-too-short"),
        pytest.param("https://www.youtube.com/watch?v=dQw4w9WgXcQQ", id="video-id-too-long"),
        pytest.param('https://www.youtube.com/watch?v=dQw4w9"><b>', id="video-id-markup"),
        pytest.param("https://www.youtube.com/watch?v=dQw4w9WgX%2F", id="video-id-escaped-slash"),
        pytest.param(f"https://www.youtube.com/embed/{VIDEO}", id="youtube-other-path"),
        pytest.param("https://www.youtube.com/@mira-holt", id="youtube-channel"),
        pytest.param(f"https://youtu.be/{VIDEO}/more", id="youtu-be-extra-path"),
        pytest.param(f"https://youtu.be/../{VIDEO}", id="youtu-be-dot-segment"),
        pytest.param("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQ", id="spotify-id-too-short"),
        pytest.param(f"https://open.spotify.com/artist/{SPOTIFY_ID}", id="spotify-artist"),
        pytest.param(f"{SPOTIFY_PLAYER}/track/{SPOTIFY_ID}", id="spotify-embed-path"),
        pytest.param(f"https://open.spotify.com/track/{SPOTIFY_ID}/../../x", id="spotify-dot-segments"),
        pytest.param("https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKU-C", id="spotify-id-not-base62"),
        pytest.param("https://music.apple.com/us/album/x/123?i=123abc", id="apple-track-id-not-a-number"),
        pytest.param("https://music.apple.com/usa/album/x/123", id="apple-storefront-not-two-letters"),
        pytest.param("https://music.apple.com/us/album/x%22onload/123", id="apple-slug-quote-escaped"),
        pytest.param("https://music.apple.com/us/album/a/b/123", id="apple-extra-segment"),
        pytest.param("https://music.apple.com/us/song/x/123", id="apple-song-page"),
        pytest.param("https://soundcloud.com/mira-holt", id="soundcloud-profile"),
        pytest.param("https://soundcloud.com/Mira/Track", id="soundcloud-not-a-permalink"),
        pytest.param("https://soundcloud.com/mira/track/s-secret", id="soundcloud-private-link"),
        pytest.param("https://on.soundcloud.com/AbCd", id="soundcloud-short-link"),
        pytest.param("https://soundcloud.com/mira/%2e%2e", id="soundcloud-escaped-dots"),
    ],
)
def test_a_link_whose_player_cannot_be_derived_stays_a_plain_link(link):
    assert player_for(link) is None


SAFE_PLAYER_URL = re.compile(r"https://[a-z.-]+/[A-Za-z0-9/._%?=&-]*")
PIECES = [
    "https://", "http://", "youtu.be", "www.youtube.com", "open.spotify.com", "music.apple.com", "soundcloud.com",
    "/", "?", "&", "#", "=", "v=", "i=", "/watch", "/track/", "/album/", "/sets/", "/intl-de", "%2F", "%22", "..",
    "@", ":443", "\\", '"', "'", "<", ">", " ", "\n", "javascript:", VIDEO, SPOTIFY_ID, "1440818660", "pl.u-1",
    "bandcamp.com", "/EmbeddedPlayer/", "album=", "track=", "size=large/", "ref=",
]  # fmt: skip


@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=16).map("".join))
def test_whatever_the_link_a_player_is_on_a_framed_origin_and_carries_only_url_safe_characters(link):
    player = player_for(link)

    if player is not None:
        assert SAFE_PLAYER_URL.fullmatch(player.url), player.url
        assert player.url.startswith(tuple(origin + "/" for origin in PLAYER_ORIGINS))
        assert player.shape in {"video", "track", "list"}


def test_the_policy_frames_exactly_the_players_of_the_allowed_providers(settings, client):
    assert frame_origins(settings.LISTENING_LINK_HOSTS) == PLAYER_ORIGINS
    assert settings.SECURE_CSP["frame-src"] == PLAYER_ORIGINS

    policy = client.get("/robots.txt")["Content-Security-Policy"]

    assert f"frame-src {' '.join(PLAYER_ORIGINS)};" in policy + ";"


@pytest.mark.parametrize(
    ("allowed", "framed"),
    [
        (["tidal.com", "deezer.com"], []),
        (["bandcamp.com", "tidal.com"], ["https://bandcamp.com"]),
        (["artist.bandcamp.com"], []),  # an artist's own links: none is an embed address
        (["youtu.be"], ["https://www.youtube-nocookie.com"]),
        (["music.youtube.com"], ["https://www.youtube-nocookie.com"]),
        (["apple.com"], ["https://embed.music.apple.com"]),  # a parent domain allows its subdomains' links
        (["spotify.com", "soundcloud.com"], ["https://open.spotify.com", "https://w.soundcloud.com"]),
        (["notspotify.com", "w.soundcloud.com"], []),
    ],
)
def test_only_the_players_of_allowed_providers_are_framed(allowed, framed):
    assert frame_origins(allowed) == framed


def test_no_player_is_offered_from_an_origin_the_policy_does_not_frame(settings):
    settings.SECURE_CSP = {**settings.SECURE_CSP, "frame-src": ["https://open.spotify.com"]}

    assert player_for(f"https://youtu.be/{VIDEO}") is None
    assert player_for(f"https://open.spotify.com/track/{SPOTIFY_ID}") is not None


@pytest.mark.django_db
def test_the_page_offers_a_hidden_button_naming_the_track_beside_the_link_that_still_opens_the_provider(client):
    article = ArticleFactory()
    FeaturedTrackFactory(
        article=article,
        track=TrackFactory(work=article.work, title="Harvest of Light"),
        listening_url=f"https://open.spotify.com/track/{SPOTIFY_ID}",
    )
    FeaturedTrackFactory(
        article=article,
        track=TrackFactory(work=article.work, title="Updraft"),
        listening_url="https://mira.bandcamp.com/track/updraft",
    )

    page = get_page(client, article.get_absolute_url())

    spotify, bandcamp = page.find_all("li", class_="featured-track")
    button = spotify.find("button", class_="listen-here")
    assert button.attrs["type"] == "button" and "hidden" in button.attrs
    assert button.text == "Play “Harvest of Light” here"
    assert button.attrs["data-player"] == f"https://open.spotify.com/embed/track/{SPOTIFY_ID}"
    assert button.attrs["data-player-shape"] == "track"
    assert spotify.find("a", class_="listen-link").attrs["href"] == f"https://open.spotify.com/track/{SPOTIFY_ID}"
    assert bandcamp.find_all("button") == []
    assert bandcamp.find("a", class_="listen-link").attrs["href"] == "https://mira.bandcamp.com/track/updraft"
    assert [script.attrs["src"] for script in page.find_all("script") if "players" in script.attrs.get("src", "")]


@pytest.mark.django_db
def test_a_cached_article_offers_only_the_players_the_policy_frames_now(client, settings):
    article = ArticleFactory()
    FeaturedTrackFactory(article=article, listening_url=f"https://youtu.be/{VIDEO}")
    assert get_page(client, article.get_absolute_url()).find_all("button", class_="listen-here") != []

    settings.SECURE_CSP = {**settings.SECURE_CSP, "frame-src": ["https://open.spotify.com"]}  # hosts narrowed

    assert get_page(client, article.get_absolute_url()).find_all("button", class_="listen-here") == []

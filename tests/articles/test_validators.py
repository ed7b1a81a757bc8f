"""Listening links and external identifiers: what editors may paste, and what is turned away."""

import pytest
from django.core.exceptions import ValidationError

from articles import validators
from articles.models import FeaturedTrack
from articles.validators import validate_listening_url
from tests.utils.factories import ArticleFactory, TrackFactory


def rejection_code(validator, value) -> str:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.code


class TestListeningUrls:
    @pytest.mark.parametrize(
        "url",
        [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ",
            "https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=OLAK5uy",
            "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
            "https://open.spotify.com/album/0Fv4D7Gg7iHoCNWS6LvdVf?si=abc",
            "https://music.apple.com/gb/album/interstellar/1444084004",
            "https://hanszimmer.bandcamp.com/album/dune",
            "https://bandcamp.com/discover",
            "https://soundcloud.com/ludwig-goransson/oppenheimer",
            "https://tidal.com/browse/track/1",
            "https://www.deezer.com/track/1",
            "https://WWW.YouTube.COM/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com./watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com:443/watch?v=dQw4w9WgXcQ",
        ],
    )
    def test_https_links_to_trusted_providers_are_accepted(self, url):
        assert validate_listening_url(url) is None

    @pytest.mark.parametrize(
        "url",
        [
            "http://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "HTTP://open.spotify.com/track/1",
            "javascript:alert(1)",
            "JavaScript://www.youtube.com/%0aalert(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "ftp://youtube.com/score.mp3",
            "//www.youtube.com/watch?v=dQw4w9WgXcQ",
            "www.youtube.com/watch?v=dQw4w9WgXcQ",
            "",
        ],
    )
    def test_anything_but_https_is_rejected(self, url):
        assert rejection_code(validate_listening_url, url) == "listening_url_scheme"

    @pytest.mark.parametrize(
        "url",
        [
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "https://evilyoutube.com/watch?v=dQw4w9WgXcQ",
            "https://notbandcamp.com/album/dune",
            "https://open.spotify.com.evil.example/track/1",
            "https://spotify.com/track/1",
            "https://apple.com/music",
            "https://evil.example/?next=https://www.youtube.com/",
            "https://evil.example#.youtube.com",
            "https://evil.example\\.youtube.com/watch",
            "https://evil.example\\@www.youtube.com/",
            "https:///watch?v=dQw4w9WgXcQ",
        ],
    )
    def test_hosts_that_only_look_like_a_provider_are_rejected(self, url):
        assert rejection_code(validate_listening_url, url) in {"listening_url_provider", "listening_url_host"}

    def test_a_lookalike_host_is_rejected_as_an_unknown_provider_and_named_in_the_message(self):
        with pytest.raises(ValidationError) as caught:
            validate_listening_url("https://youtube.com.evil.example/watch")

        assert caught.value.code == "listening_url_provider"
        assert caught.value.params["host"] == "youtube.com.evil.example"
        assert "youtube.com.evil.example is not an accepted listening provider" in caught.value.messages[0]

    def test_a_backslash_is_read_as_a_slash_as_a_browser_would(self):
        with pytest.raises(ValidationError) as caught:
            validate_listening_url("https://evil.example\\.youtube.com/watch")

        assert caught.value.code == "listening_url_provider"
        assert caught.value.params["host"] == "evil.example"

    @pytest.mark.parametrize(
        "url",
        [
            "https://bandcamp.com@evil.example/album/dune",
            "https://www.youtube.com@evil.example/",
            "https://user:secret@www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://user@soundcloud.com/artist",
            "https://:secret@soundcloud.com/artist",
            "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com:80/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com:0/watch?v=dQw4w9WgXcQ",
        ],
    )
    def test_credentials_and_ports_other_than_443_are_rejected(self, url):
        assert rejection_code(validate_listening_url, url) == "listening_url_host"

    @pytest.mark.parametrize("url", ["https://www.youtube.com:99999/watch", "https://www.youtube.com:abc/watch"])
    def test_a_malformed_port_is_a_validation_error_not_a_crash(self, url):
        assert rejection_code(validate_listening_url, url) == "listening_url_host"


@pytest.mark.parametrize(
    "validator, value",
    [
        (validators.musicbrainz_id, "5b11f4ce-a62d-471e-81fc-a69a8278c7da"),
        (validators.musicbrainz_id, "00000000-0000-0000-0000-000000000000"),
        (validators.wikidata_id, "Q42"),
        (validators.wikidata_id, "Q1"),
        (validators.wikidata_id, "Q115634876"),
        (validators.imdb_title_id, "tt0133093"),
        (validators.imdb_title_id, "tt10872600"),
        (validators.imdb_name_id, "nm0000184"),
        (validators.imdb_name_id, "nm10123456"),
        (validators.igdb_slug, "hollow-knight"),
        (validators.igdb_slug, "celeste"),
        (validators.igdb_slug, "the-legend-of-zelda-breath-of-the-wild"),
        (validators.igdb_slug, "doom-2016"),
    ],
)
def test_typical_identifiers_are_accepted(validator, value):
    assert validator(value) is None


@pytest.mark.parametrize(
    "validator, value, code",
    [
        (validators.musicbrainz_id, "5b11f4cea62d471e81fca69a8278c7da", "invalid_musicbrainz_id"),
        (validators.musicbrainz_id, "5b11f4ce-a62d-471e-81fc-a69a8278c7d", "invalid_musicbrainz_id"),
        (validators.musicbrainz_id, "5b11f4ce-a62d-471e-81fc-a69a8278c7dg", "invalid_musicbrainz_id"),
        (
            validators.musicbrainz_id,
            "https://musicbrainz.org/release-group/5b11f4ce-a62d-471e-81fc-a69a8278c7da",
            "invalid_musicbrainz_id",
        ),
        (validators.musicbrainz_id, "5b11f4ce-a62d-471e-81fc-a69a8278c7da\n", "invalid_musicbrainz_id"),
        (validators.wikidata_id, "q42", "invalid_wikidata_id"),
        (validators.wikidata_id, "42", "invalid_wikidata_id"),
        (validators.wikidata_id, "Q0", "invalid_wikidata_id"),
        (validators.wikidata_id, "Q042", "invalid_wikidata_id"),
        (validators.wikidata_id, "P31", "invalid_wikidata_id"),
        (validators.wikidata_id, "Q42\n", "invalid_wikidata_id"),
        (validators.wikidata_id, "https://www.wikidata.org/wiki/Q42", "invalid_wikidata_id"),
        (validators.imdb_title_id, "nm0000184", "invalid_imdb_id"),
        (validators.imdb_title_id, "tt013309", "invalid_imdb_id"),
        (validators.imdb_title_id, "TT0133093", "invalid_imdb_id"),
        (validators.imdb_title_id, "tt0133093\n", "invalid_imdb_id"),
        (validators.imdb_title_id, "https://www.imdb.com/title/tt0133093/", "invalid_imdb_id"),
        (validators.imdb_name_id, "tt0133093", "invalid_imdb_id"),
        (validators.imdb_name_id, "nm000018", "invalid_imdb_id"),
        (validators.imdb_name_id, "nm00001844444", "invalid_imdb_id"),
        (validators.igdb_slug, "Hollow-Knight", "invalid_igdb_id"),
        (validators.igdb_slug, "hollow knight", "invalid_igdb_id"),
        (validators.igdb_slug, "hollow_knight", "invalid_igdb_id"),
        (validators.igdb_slug, "-hollow-knight", "invalid_igdb_id"),
        (validators.igdb_slug, "hollow-knight-", "invalid_igdb_id"),
        (validators.igdb_slug, "hollow--knight", "invalid_igdb_id"),
        (validators.igdb_slug, "hollow-knight\n", "invalid_igdb_id"),
        (validators.igdb_slug, "https://www.igdb.com/games/hollow-knight", "invalid_igdb_id"),
    ],
)
def test_malformed_identifiers_are_rejected_with_their_code(validator, value, code):
    assert rejection_code(validator, value) == code


@pytest.mark.django_db
class TestFeaturedTrackListeningUrl:
    @pytest.fixture
    def featured(self):
        article = ArticleFactory()
        return FeaturedTrack(article=article, track=TrackFactory(work=article.work), position=1)

    @pytest.mark.parametrize(
        "url, code",
        [
            ("https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ", "listening_url_provider"),
            ("http://www.youtube.com/watch?v=dQw4w9WgXcQ", "listening_url_scheme"),
            ("https://bandcamp.com@evil.example/album/dune", "listening_url_host"),
            ("https://www.youtube.com:99999/watch", "listening_url_host"),
        ],
    )
    def test_full_clean_rejects_a_disallowed_listening_link(self, featured, url, code):
        featured.listening_url = url

        with pytest.raises(ValidationError) as caught:
            featured.full_clean()

        assert set(caught.value.error_dict) == {"listening_url"}
        assert code in [error.code for error in caught.value.error_dict["listening_url"]]

    def test_full_clean_accepts_a_bandcamp_artist_link(self, featured):
        featured.listening_url = "https://hanszimmer.bandcamp.com/track/paul-s-dream"

        featured.full_clean()

    def test_the_listening_link_is_optional(self, featured):
        featured.listening_url = ""

        featured.full_clean()

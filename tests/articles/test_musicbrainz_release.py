"""A MusicBrainz release read from its recorded JSON (tests/articles/musicbrainz/), and a release's identifier
read from what an editor pastes."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from articles.musicbrainz import MusicBrainzError, Release, read_release, release_id
from tests.utils.musicbrainz import RECORDED

MBID = "0f6a4a53-3b9d-4c6e-9b1e-2a7d5c8e1f01"
VARNHOLT = "6c3f0e1a-8d2b-4f7a-9e5c-1b2d3e4f5a61"
BRANDT = "7d4a1f2b-9e3c-4a8b-8f6d-2c3e4f5a6b72"


def recorded_release(name: str = "release") -> dict:
    return json.loads((RECORDED / f"{name}.json").read_text())


@pytest.mark.parametrize(
    "pasted",
    [
        MBID,
        f"  {MBID.upper()} ",
        f"https://musicbrainz.org/release/{MBID}",
        f"https://musicbrainz.org/release/{MBID}/discids",
        f"http://beta.musicbrainz.org/release/{MBID}?tab=tracks",
    ],
)
def test_a_release_is_named_by_its_mbid_or_its_address(pasted):
    assert release_id(pasted) == MBID


@pytest.mark.parametrize(
    "pasted",
    [
        "",
        "not an id",
        MBID[:-1],
        f"https://example.org/release/{MBID}",
        f"https://musicbrainz.org.example.org/release/{MBID}",
        f"https://musicbrainz.org/recording/{MBID}",
        f"ftp://musicbrainz.org/release/{MBID}",
    ],
)
def test_anything_else_is_refused(pasted):
    with pytest.raises(ValidationError) as caught:
        release_id(pasted)
    assert caught.value.code == "invalid_release"


def test_a_release_group_address_asks_for_one_of_its_releases():
    with pytest.raises(ValidationError, match="release group") as caught:
        release_id(f"https://musicbrainz.org/release-group/{MBID}")
    assert caught.value.code == "release_group"


def test_tracks_are_numbered_on_through_every_medium_with_durations_and_isrcs():
    release = read_release(recorded_release())

    assert release.mbid == MBID
    assert release.title == "The Glass Orchard (Original Motion Picture Soundtrack)"
    assert [(t.position, t.title, t.duration, t.isrc) for t in release.tracks] == [
        (1, "Frost on the Branches", timedelta(minutes=2, seconds=48), "GBAYE1900101"),
        (2, "The Orchard at Night", timedelta(minutes=3, seconds=22), ""),  # 201.5 s rounds to 3:22
        (3, "Glass", timedelta(minutes=1, seconds=35), "GBAYE1900103"),
    ]
    assert release.tracks[0].track_id == "1a2b3c4d-0001-4e5f-8a9b-0c1d2e3f4a01"
    assert release.tracks[0].recording_id == "2b3c4d5e-0001-4f6a-9b0c-1d2e3f4a5b01"


def test_composers_come_from_the_works_else_from_the_release_never_from_the_artist_credit():
    release = read_release(recorded_release())

    composers = [[artist.mbid for artist in track.composers] for track in release.tracks]

    # The third track performs no work: the release's composer relationship (not its conductor) credits it.
    assert composers == [[VARNHOLT], [VARNHOLT, BRANDT], [VARNHOLT]]
    assert [artist.name for artist in release.composers()] == ["Ilse Varnholt", "Tomas Brandt"]


def test_a_release_survives_the_trip_through_its_data():
    release = read_release(recorded_release())

    assert Release.from_data(json.loads(json.dumps(release.as_data()))) == release


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data.update(media="none"),
        lambda data: data.pop("media"),
        lambda data: data["media"][0]["tracks"][0].update(recording="2b3c4d5e-0001-4f6a-9b0c-1d2e3f4a5b01"),
        lambda data: data["media"][0]["tracks"][0].update(id="not-an-mbid"),
        lambda data: data["media"][0]["tracks"][1].update(title="", recording={"id": MBID, "title": None}),
        lambda data: data["media"][0]["tracks"][0].update(length="long"),
        lambda data: data["relations"][0].update(artist=None),
    ],
)
def test_an_answer_of_another_shape_is_refused(change):
    data = recorded_release()
    change(data)

    with pytest.raises(MusicBrainzError, match="not a release as expected"):
        read_release(data)


def test_the_recorded_answer_of_another_shape_is_refused():
    with pytest.raises(MusicBrainzError, match="not a release as expected"):
        read_release(recorded_release("unexpected_shape"))


def test_a_release_without_tracks_says_so():
    data = recorded_release()
    for medium in data["media"]:
        medium["tracks"] = []

    with pytest.raises(MusicBrainzError, match="no tracks"):
        read_release(data)


def test_a_track_shorter_than_a_second_lasts_a_second_not_nothing():
    answer = recorded_release()
    answer["media"][0]["tracks"][0]["length"] = 500

    assert read_release(answer).tracks[0].duration == timedelta(seconds=1)

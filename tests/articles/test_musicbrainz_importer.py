"""The import service on releases written out here: what it matches, links and creates."""

import pytest

from articles.models import Composer
from articles.musicbrainz import Release, import_release, plan_import
from articles.musicbrainz.release import Artist, ReleaseTrack
from tests.utils.factories import ComposerFactory, TrackFactory, WorkFactory

pytestmark = pytest.mark.django_db

FIRST = Artist("11111111-1111-4111-8111-111111111111", "Anna Berg")
SECOND = Artist("22222222-2222-4222-8222-222222222222", "Anna Berg")  # another composer of the same name


def release(*tracks: ReleaseTrack) -> Release:
    return Release(mbid="99999999-9999-4999-8999-999999999999", title="Album", tracks=tracks)


def track(position: int, *composers: Artist, title: str = "") -> ReleaseTrack:
    return ReleaseTrack(
        position=position,
        title=title or f"Track {position}",
        length_ms=60_000,
        track_id=f"aaaaaaaa-aaaa-4aaa-8aaa-{position:012d}",
        recording_id=f"bbbbbbbb-bbbb-4bbb-8bbb-{position:012d}",
        isrc="",
        composers=composers,
    )


def test_two_artists_of_one_name_are_never_the_same_composer():
    typed = ComposerFactory(name="Anna Berg")
    work = WorkFactory()

    plan = import_release(work=work, release=release(track(1, FIRST), track(2, SECOND)))

    assert [match.kind for match in plan.composers] == ["linked", "created"]
    typed.refresh_from_db()
    assert typed.musicbrainz_id == FIRST.mbid
    assert Composer.objects.get(musicbrainz_id=SECOND.mbid).name == "Anna Berg"
    assert [list(t.composers.all()) for t in work.tracks.order_by("position")] == [
        [typed],
        [Composer.objects.get(musicbrainz_id=SECOND.mbid)],
    ]


def test_an_import_done_twice_changes_nothing_the_second_time():
    work = WorkFactory()
    album = release(track(1, FIRST), track(2))
    import_release(work=work, release=album)
    before = list(work.tracks.order_by("pk").values())
    work.refresh_from_db()

    plan = plan_import(work, album)
    import_release(work=work, release=album)

    assert not plan.has_changes
    assert list(work.tracks.order_by("pk").values()) == before
    assert Composer.objects.count() == 1


def test_composers_credited_by_hand_stay_credited():
    work = WorkFactory()
    by_hand = ComposerFactory(name="Someone Else")
    TrackFactory(work=work, position=1).composers.add(by_hand)

    import_release(work=work, release=release(track(1, FIRST)))

    assert {c.name for c in work.tracks.get().composers.all()} == {"Someone Else", "Anna Berg"}


def test_tracks_swapping_places_keep_their_rows():
    work = WorkFactory()
    import_release(work=work, release=release(track(1, title="One"), track(2, title="Two")))
    one, two = work.tracks.order_by("position")
    swapped = release(
        ReleaseTrack(**{**vars(track(2, title="Two")), "position": 1}),
        ReleaseTrack(**{**vars(track(1, title="One")), "position": 2}),
    )

    import_release(work=work, release=swapped)

    assert list(work.tracks.order_by("position").values_list("pk", "title")) == [(two.pk, "Two"), (one.pk, "One")]

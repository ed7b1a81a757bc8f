"""Importing a work's track list from a MusicBrainz release in the work admin: the address, the preview (which
saves nothing), the import (all of it), importing again (updates, never duplicates), and every failure, which
changes nothing. MusicBrainz is a real HTTP server of recorded responses (the ``musicbrainz`` fixture)."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.models import Composer, Track, Work
from tests.utils.admin import change_url
from tests.utils.factories import ComposerFactory, TrackFactory, UserFactory, WorkFactory
from tests.utils.musicbrainz import Answer, busy, recorded, refused_url, release_mbid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]  # the first request waits for no slot

MBID = release_mbid()
VARNHOLT = "6c3f0e1a-8d2b-4f7a-9e5c-1b2d3e4f5a61"
BRANDT = "7d4a1f2b-9e3c-4a8b-8f6d-2c3e4f5a6b72"
TRACK_IDS = [f"1a2b3c4d-000{n}-4e5f-8a9b-0c1d2e3f4a0{n}" for n in (1, 2, 3)]


def form_url(work) -> str:
    return reverse("admin:articles_work_musicbrainz", args=[work.pk])


def import_url(work) -> str:
    return reverse("admin:articles_work_musicbrainz_import", args=[work.pk])


def preview(client, work, pasted=f"https://musicbrainz.org/release/{MBID}"):
    return client.post(form_url(work), {"release": pasted})


def confirm(client, work, previewed):
    return client.post(import_url(work), {"release": previewed.context["form"]["release"].value()})


def rows(work) -> list[tuple]:
    return list(
        Track.objects.filter(work=work)
        .order_by("position")
        .values_list("position", "title", "duration", "isrc", "musicbrainz_track_id")
    )


def database_state():
    return (
        list(Track.objects.order_by("pk").values()),
        list(Composer.objects.order_by("pk").values("pk", "name", "musicbrainz_id")),
        list(Work.objects.order_by("pk").values("pk", "musicbrainz_release_id")),
        list(Track.composers.through.objects.order_by("pk").values()),
    )


@pytest.fixture
def work():
    return WorkFactory(title="The Glass Orchard", year=2019)


def test_the_work_page_offers_the_import_and_its_form_the_last_release(client, signed_in_editor, work):
    work.musicbrainz_release_id = MBID
    work.save()

    assertContains(client.get(change_url(work)), f'<a href="{form_url(work)}">Import track list from MusicBrainz</a>')
    assertContains(client.get(form_url(work)), f'value="{MBID}"')


def test_the_preview_shows_what_would_be_added_and_saves_nothing(client, signed_in_editor, work, musicbrainz):
    musicbrainz.answer(MBID, recorded("release"))
    before = database_state()

    response = preview(client, work)

    assert response.status_code == 200
    assertContains(response, "3 added, 0 changed, 0 unchanged")
    for title in ("Frost on the Branches", "The Orchard at Night", "Glass"):
        assertContains(response, f"<td>{title}</td>", html=True)
    assertContains(response, "<td>2:48</td>", html=True)
    assertContains(response, "<td>GBAYE1900101</td>", html=True)
    assertContains(response, "<li>Tomas Brandt: new, added to the composers</li>", html=True)
    assert database_state() == before


def test_confirming_saves_the_tracks_their_composers_and_isrcs(client, signed_in_editor, work, musicbrainz):
    musicbrainz.answer(MBID, recorded("release"))

    response = confirm(client, work, preview(client, work))

    assertRedirects(response, change_url(work), fetch_redirect_response=False)
    assert rows(work) == [
        (1, "Frost on the Branches", timedelta(minutes=2, seconds=48), "GBAYE1900101", TRACK_IDS[0]),
        (2, "The Orchard at Night", timedelta(minutes=3, seconds=22), "", TRACK_IDS[1]),
        (3, "Glass", timedelta(minutes=1, seconds=35), "GBAYE1900103", TRACK_IDS[2]),
    ]
    varnholt, brandt = Composer.objects.get(musicbrainz_id=VARNHOLT), Composer.objects.get(musicbrainz_id=BRANDT)
    assert (varnholt.name, brandt.name) == ("Ilse Varnholt", "Tomas Brandt")
    credits = {track.position: set(track.composers.all()) for track in work.tracks.all()}
    assert credits == {1: {varnholt}, 2: {varnholt, brandt}, 3: {varnholt}}
    work.refresh_from_db()
    assert work.musicbrainz_release_id == MBID
    entry = LogEntry.objects.get(object_id=str(work.pk))
    assert entry.get_change_message() == (
        f"Imported the track list of the MusicBrainz release “The Glass Orchard (Original Motion Picture "
        f"Soundtrack)” ({MBID}): 3 added, 0 changed, 0 unchanged."
    )
    assertContains(client.get(change_url(work)), "3 added, 0 changed, 0 unchanged.")


def test_a_composer_with_the_artists_id_is_credited_and_keeps_the_name_editors_gave(
    client, signed_in_editor, work, musicbrainz
):
    known = ComposerFactory(name="I. Varnholt", musicbrainz_id=VARNHOLT)
    musicbrainz.answer(MBID, recorded("release"))

    previewed = preview(client, work)
    assertContains(previewed, "I. Varnholt</a>, already linked")
    confirm(client, work, previewed)

    known.refresh_from_db()
    assert known.name == "I. Varnholt"
    assert Composer.objects.count() == 2  # and Tomas Brandt, created
    assert set(work.tracks.get(position=1).composers.all()) == {known}


def test_a_composer_of_the_same_name_without_an_id_is_given_the_artists(client, signed_in_editor, work, musicbrainz):
    same_name = ComposerFactory(name="ilse varnholt")
    musicbrainz.answer(MBID, recorded("release"))

    previewed = preview(client, work)
    assertContains(previewed, "ilse varnholt</a>, who gets this MusicBrainz artist")
    confirm(client, work, previewed)

    same_name.refresh_from_db()
    assert same_name.musicbrainz_id == VARNHOLT
    assert Composer.objects.filter(name__iexact="ilse varnholt").count() == 1


def test_importing_again_updates_the_tracks_instead_of_adding_them(client, signed_in_editor, work, musicbrainz, clock):
    musicbrainz.answer(MBID, recorded("release"), recorded("release_updated"))
    confirm(client, work, preview(client, work))
    first_ids = list(work.tracks.order_by("position").values_list("pk", flat=True))
    clock.shift(5)  # the editor comes back later

    previewed = preview(client, work)

    assertContains(previewed, "1 added, 2 changed, 1 unchanged")
    assertContains(previewed, "<li>Duration: 2:48 → 2:50</li>", html=True)
    assertContains(previewed, "<li>Title: The Orchard at Night → The Orchard at Midnight</li>", html=True)
    confirm(client, work, previewed)
    assert list(work.tracks.order_by("position").values_list("pk", flat=True))[:3] == first_ids
    assert [(position, title, duration) for position, title, duration, *_ in rows(work)] == [
        (1, "Frost on the Branches", timedelta(minutes=2, seconds=50)),
        (2, "The Orchard at Midnight", timedelta(minutes=3, seconds=22)),
        (3, "Glass", timedelta(minutes=1, seconds=35)),
        (4, "Thaw", timedelta(minutes=2, seconds=23)),
    ]
    assert Composer.objects.count() == 2
    assert Track.composers.through.objects.filter(track__work=work).count() == 5


def test_an_import_with_nothing_new_has_nothing_to_import(client, signed_in_editor, work, musicbrainz, clock):
    musicbrainz.answer(MBID, recorded("release"))
    confirm(client, work, preview(client, work))
    clock.shift(5)

    previewed = preview(client, work)

    assertContains(previewed, "0 added, 0 changed, 3 unchanged")
    assertContains(previewed, "there is nothing to import")
    assertNotContains(previewed, 'value="Import"')


def test_tracks_typed_by_hand_are_matched_by_position_and_the_others_kept(client, signed_in_editor, work, musicbrainz):
    by_hand = TrackFactory(work=work, position=1, title="Frost", duration=None, isrc="GBAYE1900999")
    wrong_place = TrackFactory(work=work, position=2, title="Frost on the Branches", musicbrainz_track_id=TRACK_IDS[0])
    encore = TrackFactory(work=work, position=7, title="Encore (live)")
    musicbrainz.answer(MBID, recorded("release"))

    previewed = preview(client, work)
    assertContains(previewed, "<li>1. Frost: moves to No. 8</li>", html=True)
    assertContains(previewed, "<li>7. Encore (live)</li>", html=True)
    confirm(client, work, previewed)

    # The release's first track has its MusicBrainz id: it moves to 1, and the track typed there moves out of the way.
    placed = {track.pk: (track.position, track.title) for track in work.tracks.all()}
    assert placed[wrong_place.pk] == (1, "Frost on the Branches")
    assert placed[by_hand.pk] == (8, "Frost")
    assert placed[encore.pk] == (7, "Encore (live)")
    assert sorted(position for position, _ in placed.values()) == [1, 2, 3, 7, 8]


def test_a_track_typed_by_hand_keeps_what_the_release_lacks(client, signed_in_editor, work, musicbrainz):
    TrackFactory(work=work, position=2, title="Night", duration=timedelta(minutes=3), isrc="GBAYE1900999")
    musicbrainz.answer(MBID, recorded("release"))

    confirm(client, work, preview(client, work))

    assert rows(work)[1][:4] == (2, "The Orchard at Night", timedelta(minutes=3, seconds=22), "GBAYE1900999")


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([], "MusicBrainz has no release with this identifier."),
        ([Answer(500, b"oops")], "MusicBrainz answered with an error (HTTP 500)."),
        ([recorded("malformed")], "MusicBrainz&#x27;s answer could not be read (not JSON"),
        ([recorded("unexpected_shape")], "MusicBrainz&#x27;s answer is not a release as expected"),
        ([busy("3600"), recorded("release")], "MusicBrainz is busy. It asks to wait 3600 seconds."),
        ([busy("1")], "MusicBrainz is busy. It asks to wait 1 seconds. Try again in a minute."),
        ([Answer(hold=True)], "MusicBrainz did not answer within 0.2 seconds."),
    ],
)
def test_a_failure_is_told_on_the_form_and_changes_nothing(
    client, signed_in_editor, work, musicbrainz, settings, answers, message
):
    settings.MUSICBRAINZ_TIMEOUT = 0.2
    settings.MUSICBRAINZ_ATTEMPTS = 1  # the retries' waits are the client's tests'
    TrackFactory(work=work, position=1, title="Frost")
    if answers:
        musicbrainz.answer(MBID, *answers)
    before = database_state()

    response = preview(client, work)

    assert response.status_code == 200
    assertContains(response, message)
    assertContains(response, 'value="Show what would change"')
    assert database_state() == before


def test_an_unreachable_musicbrainz_is_told_on_the_form(client, signed_in_editor, work, settings):
    settings.MUSICBRAINZ_URL = refused_url()
    before = database_state()

    assertContains(preview(client, work), "MusicBrainz could not be reached")
    assert database_state() == before


@pytest.mark.parametrize(
    "pasted",
    ["", "abc", f"https://example.org/release/{MBID}", f"https://musicbrainz.org/release-group/{MBID}"],
)
def test_an_address_that_names_no_release_is_refused_without_asking_musicbrainz(
    client, signed_in_editor, work, musicbrainz, pasted
):
    response = preview(client, work, pasted)

    assert response.status_code == 200
    assert response.context["form"].errors["release"]
    assert musicbrainz.received == []


def test_a_confirmation_that_was_not_signed_for_this_work_imports_nothing(client, signed_in_editor, work, musicbrainz):
    musicbrainz.answer(MBID, recorded("release"))
    previewed = preview(client, work)
    other = WorkFactory()
    before = database_state()

    response = confirm(client, other, previewed)

    assertRedirects(response, form_url(other), fetch_redirect_response=False)
    assert database_state() == before
    assertContains(client.get(form_url(other)), "The preview could not be read. Nothing was imported")


def test_a_preview_more_than_an_hour_old_imports_nothing(client, signed_in_editor, work, musicbrainz, clock):
    musicbrainz.answer(MBID, recorded("release"))
    previewed = preview(client, work)
    clock.shift(timedelta(hours=1, seconds=1))

    confirm(client, work, previewed)

    assert rows(work) == []


def test_the_import_is_posted_only(client, signed_in_editor, work):
    assert client.get(import_url(work)).status_code == 405


def test_the_import_needs_the_csrf_token(signed_in_editor, work, musicbrainz):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(signed_in_editor)

    assert browser.post(form_url(work), {"release": MBID}).status_code == 403
    assert browser.post(import_url(work), {"release": "x"}).status_code == 403
    assert musicbrainz.received == []


def test_staff_who_may_only_view_works_cannot_import(client, work, musicbrainz):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_work"))
    client.force_login(viewer)

    assert client.get(form_url(work)).status_code == 403
    assert preview(client, work).status_code == 403
    assert client.post(import_url(work), {"release": "x"}).status_code == 403
    assert musicbrainz.received == []
    assertNotContains(client.get(change_url(work)), "Import track list from MusicBrainz")


def test_staff_who_may_change_works_but_not_tracks_or_composers_cannot_import(client, work, musicbrainz):
    """An import adds and changes tracks and composers: it asks for what the admin would ask for each."""
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_work", "change_work"]))
    client.force_login(editor)

    assert client.get(form_url(work)).status_code == 403
    assert preview(client, work).status_code == 403
    assert musicbrainz.received == []

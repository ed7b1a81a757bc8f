"""A work's track list from a MusicBrainz release: what an import would add and change (``plan_import``), and the
import itself (``import_release``), which plans again against the rows as they are and saves it all or nothing.

A track of the release is matched with the work's track that has its MusicBrainz track id, else its recording id,
else its position, so that a second import updates the rows instead of adding them again (readers' favourite
tracks and articles' featured tracks point at them). Tracks that are not on the release stay, moved to the end
if their position is taken. A title, duration or ISRC the release lacks is kept, and composers are only ever
added to a track. A composer is the one with the artist's MusicBrainz id, else a composer of the same name that
has none (who gets it), else a new one.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from ..models import MAX_POSITION, Composer, Track, Work
from .release import Artist, Release, ReleaseTrack

POSITION_SHIFT = MAX_POSITION + 1  # parked rows, while positions change hands


@dataclass(frozen=True)
class ComposerMatch:
    artist: Artist
    composer: Composer | None  # None: created by the import
    linked: bool = False  # an existing composer found by name, who gets the artist's MusicBrainz id

    @property
    def kind(self) -> str:
        return "created" if self.composer is None else "linked" if self.linked else "matched"


@dataclass(frozen=True)
class Change:
    field: str  # a field of Track
    before: object
    after: object

    @property
    def label(self) -> str:
        return str(Track._meta.get_field(self.field).verbose_name)


@dataclass(frozen=True)
class TrackPlan:
    release_track: ReleaseTrack
    track: Track | None  # None: added by the import
    changes: tuple[Change, ...] = ()
    new_composers: tuple[Artist, ...] = ()

    @property
    def kind(self) -> str:
        return "added" if self.track is None else "changed" if self.changes or self.new_composers else "unchanged"


@dataclass
class ImportPlan:
    work: Work
    release: Release
    tracks: list[TrackPlan] = field(default_factory=list)
    composers: list[ComposerMatch] = field(default_factory=list)
    kept: list[tuple[Track, int]] = field(default_factory=list)  # not on the release: (track, its position after)

    def count(self, kind: str) -> int:
        return sum(1 for track in self.tracks if track.kind == kind)

    @property
    def has_changes(self) -> bool:
        moved = any(track.position != position for track, position in self.kept)
        linked = any(match.kind != "matched" for match in self.composers)
        return (
            moved
            or linked
            or self.release.mbid != self.work.musicbrainz_release_id
            or any(track.kind != "unchanged" for track in self.tracks)
        )

    def summary(self) -> str:
        return ", ".join(f"{self.count(kind)} {kind}" for kind in ("added", "changed", "unchanged"))


def plan_import(work: Work, release: Release) -> ImportPlan:
    """What importing ``release`` into ``work`` would do; nothing is saved."""
    plan = ImportPlan(work=work, release=release, composers=_match_composers(release.composers()))
    existing = list(work.tracks.prefetch_related("composers"))
    matched = _match_tracks(release.tracks, existing)
    for release_track in release.tracks:
        track = matched.get(release_track.position)
        if track is None:
            plan.tracks.append(TrackPlan(release_track, None, new_composers=release_track.composers))
        else:
            plan.tracks.append(_track_plan(release_track, track))
    taken = {release_track.position for release_track in release.tracks}
    kept = [track for track in existing if track not in matched.values()]
    next_free = max([*taken, *(track.position for track in kept)], default=0) + 1
    for track in kept:
        if track.position in taken:
            plan.kept.append((track, next_free))
            next_free += 1
        else:
            plan.kept.append((track, track.position))
    return plan


def import_release(*, work: Work, release: Release) -> ImportPlan:
    """Import ``release`` into ``work`` as ``plan_import`` says now, in one transaction."""
    with transaction.atomic():
        work = Work.objects.select_for_update().get(pk=work.pk)  # one import of a work at a time
        plan = plan_import(work, release)
        composers = _save_composers(plan.composers)
        moving = [
            item.track.pk for item in plan.tracks if item.track and item.track.position != item.release_track.position
        ]
        moving += [track.pk for track, position in plan.kept if track.position != position]
        Track.objects.filter(pk__in=moving).update(position=F("position") + POSITION_SHIFT)
        for track, position in plan.kept:
            if track.position != position:
                track.position = position
                track.save(update_fields=["position"])
        for track_plan in plan.tracks:
            _save_track(work, track_plan, composers)
        if work.musicbrainz_release_id != release.mbid:
            work.musicbrainz_release_id = release.mbid
            work.save(update_fields=["musicbrainz_release_id"])
    return plan


def _match_tracks(release_tracks, existing: list[Track]) -> dict[int, Track]:
    """The work's track each release track (by position) updates: by track id, recording id, then position."""
    matched: dict[int, Track] = {}
    keys = [
        (lambda track: track.musicbrainz_track_id, lambda release_track: release_track.track_id),
        (lambda track: track.musicbrainz_recording_id, lambda release_track: release_track.recording_id),
        (lambda track: track.position, lambda release_track: release_track.position),
    ]
    for ours, theirs in keys:
        free = {}
        for track in existing:
            if track not in matched.values() and ours(track) not in ("", None):
                free.setdefault(ours(track), track)
        for release_track in release_tracks:
            if release_track.position not in matched and (track := free.pop(theirs(release_track), None)):
                matched[release_track.position] = track
    return matched


def _track_plan(release_track: ReleaseTrack, track: Track) -> TrackPlan:
    changes = tuple(
        Change(name, getattr(track, name), value)
        for name, value in _values(release_track, track).items()
        if getattr(track, name) != value
    )
    credited = {composer.musicbrainz_id for composer in track.composers.all()}
    names = {composer.name.casefold() for composer in track.composers.all() if not composer.musicbrainz_id}
    new = tuple(
        artist
        for artist in release_track.composers
        if artist.mbid not in credited and artist.name.casefold() not in names
    )
    return TrackPlan(release_track, track, changes, new)


def _match_composers(artists: list[Artist]) -> list[ComposerMatch]:
    by_mbid = {
        composer.musicbrainz_id: composer
        for composer in Composer.objects.filter(musicbrainz_id__in=[a.mbid for a in artists])
    }
    matches, linked = [], set()
    for artist in artists:
        unlinked = Composer.objects.filter(musicbrainz_id="", name__iexact=artist.name).exclude(pk__in=linked)
        if composer := by_mbid.get(artist.mbid):
            matches.append(ComposerMatch(artist, composer))
        elif composer := unlinked.order_by("pk").first():  # two artists of one name: one composer each
            linked.add(composer.pk)
            matches.append(ComposerMatch(artist, composer, linked=True))
        else:
            matches.append(ComposerMatch(artist, None))
    return matches


def _save_composers(matches: list[ComposerMatch]) -> dict[str, Composer]:
    """The composer of each artist (by MBID), linked or created as the plan says."""
    composers = {}
    for match in matches:
        composer = match.composer
        if composer is None:
            composer = Composer.objects.create(name=match.artist.name, musicbrainz_id=match.artist.mbid)
        elif match.linked:
            composer.musicbrainz_id = match.artist.mbid
            composer.save(update_fields=["musicbrainz_id"])
        composers[match.artist.mbid] = composer
    return composers


def _save_track(work: Work, track_plan: TrackPlan, composers: dict[str, Composer]) -> None:
    release_track, track = track_plan.release_track, track_plan.track
    if track is None:
        track = Track(work=work)
    elif not track_plan.changes and not track_plan.new_composers:
        return
    for name, value in _values(release_track, track).items():
        setattr(track, name, value)
    track.save()
    if track_plan.new_composers:
        track.composers.add(*(composers[artist.mbid] for artist in track_plan.new_composers))


def _values(release_track: ReleaseTrack, track: Track) -> dict[str, object]:
    return {
        "position": release_track.position,
        "title": release_track.title,
        "duration": release_track.duration or track.duration,
        "isrc": release_track.isrc or track.isrc,
        "musicbrainz_track_id": release_track.track_id,
        "musicbrainz_recording_id": release_track.recording_id,
    }

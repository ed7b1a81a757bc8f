"""A MusicBrainz release as the import needs it: its tracks in order, with their durations, ISRCs and composers.

Composers are read from the composer relationships of the works each track's recording performs (MusicBrainz
credits composition on the work: https://musicbrainz.org/relationship/d59d99ea-23d4-4a80-b066-edca32ee158f);
a track whose works name none takes the release's own composer relationships. The artist credit names the
performers (often an orchestra), so it is never read as the composer.
"""

import re
from dataclasses import asdict, dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from ..models import MAX_POSITION
from .client import MusicBrainzError

MBID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ISRC = re.compile(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{7}")
TITLE_MAX_LENGTH = 200


@dataclass(frozen=True)
class Artist:
    mbid: str
    name: str


@dataclass(frozen=True)
class ReleaseTrack:
    position: int
    title: str
    length_ms: int | None
    track_id: str
    recording_id: str
    isrc: str
    composers: tuple[Artist, ...]

    @property
    def duration(self) -> timedelta | None:
        # Whole seconds, as the track lists show them and editors type them.
        return timedelta(seconds=max(1, round(self.length_ms / 1000))) if self.length_ms else None


@dataclass(frozen=True)
class Release:
    mbid: str
    title: str
    tracks: tuple[ReleaseTrack, ...]

    def as_data(self) -> dict:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict) -> "Release":
        """The release ``as_data()`` gave (carried, signed, from the preview to the confirmation)."""
        tracks = tuple(
            ReleaseTrack(**{**track, "composers": tuple(Artist(**artist) for artist in track["composers"])})
            for track in data["tracks"]
        )
        return cls(mbid=data["mbid"], title=data["title"], tracks=tracks)

    def composers(self) -> list[Artist]:
        """Every composer of the release's tracks, once each, in the order they first appear."""
        by_mbid = {}
        for artist in (artist for track in self.tracks for artist in track.composers):
            by_mbid.setdefault(artist.mbid, artist)
        return list(by_mbid.values())


def release_id(text: str) -> str:
    """The MBID a release's identifier or address names (https://musicbrainz.org/release/<MBID>, any subdomain)."""
    text = text.strip()
    if MBID.fullmatch(text.lower()):
        return text.lower()
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    segments = [segment for segment in parts.path.split("/") if segment]
    if parts.scheme in ("http", "https") and (host == "musicbrainz.org" or host.endswith(".musicbrainz.org")):
        if len(segments) >= 2 and segments[0] == "release" and MBID.fullmatch(segments[1].lower()):
            return segments[1].lower()
        if segments and segments[0] == "release-group":
            raise ValidationError(
                "This is a release group: open it on MusicBrainz and choose one of its releases (an edition of "
                "the album, with its own track list).",
                code="release_group",
            )
    raise ValidationError(
        "Enter a MusicBrainz release address (https://musicbrainz.org/release/…) or its MBID, such as "
        "5b11f4ce-a62d-471e-81fc-a69a8278c7da.",
        code="invalid_release",
    )


def read_release(data: dict) -> Release:
    """The release in MusicBrainz's JSON (``MusicBrainzClient.release()``); MusicBrainzError if it is not one."""
    try:
        return _read_release(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise MusicBrainzError(f"MusicBrainz's answer is not a release as expected ({error!r}).") from error


def _read_release(data: dict) -> Release:
    release_composers = _composers(data.get("relations") or [])
    tracks = []
    for medium in sorted(data["media"], key=lambda medium: medium["position"]):
        for track in medium.get("tracks") or []:
            tracks.append(_read_track(track, position=len(tracks) + 1, fallback_composers=release_composers))
    if not tracks:
        raise MusicBrainzError("This release has no tracks on MusicBrainz.")
    if len(tracks) > MAX_POSITION:
        raise MusicBrainzError(f"This release has more than {MAX_POSITION} tracks.")
    return Release(mbid=_mbid(data["id"]), title=_text(data["title"]), tracks=tuple(tracks))


def _read_track(track: dict, *, position: int, fallback_composers: tuple[Artist, ...]) -> ReleaseTrack:
    recording = track["recording"]
    if not isinstance(recording, dict):
        raise TypeError("a track's recording is not an object")
    works = [
        relation["work"]
        for relation in recording.get("relations") or []
        if relation.get("target-type") == "work" and relation.get("type") == "performance"
    ]
    composers = _composers(relation for work in works for relation in work.get("relations") or [])
    length = track.get("length") or recording.get("length")
    isrcs = [isrc for isrc in recording.get("isrcs") or [] if ISRC.fullmatch(isrc)]
    return ReleaseTrack(
        position=position,
        title=_text(track.get("title") or recording["title"])[:TITLE_MAX_LENGTH],
        length_ms=int(length) if length and int(length) >= 500 else None,  # under half a second: not a length
        track_id=_mbid(track["id"]),
        recording_id=_mbid(recording["id"]),
        isrc=isrcs[0] if isrcs else "",
        composers=composers or fallback_composers,
    )


def _composers(relations) -> tuple[Artist, ...]:
    artists = (
        Artist(mbid=_mbid(relation["artist"]["id"]), name=_text(relation["artist"]["name"])[:TITLE_MAX_LENGTH])
        for relation in relations
        if relation.get("target-type") == "artist" and relation.get("type") == "composer"
    )
    return tuple(dict.fromkeys(artists))


def _mbid(value) -> str:
    if not isinstance(value, str) or not MBID.fullmatch(value):
        raise ValueError(f"{value!r} is not an MBID")
    return value


def _text(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a title")
    return value.strip()

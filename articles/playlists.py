"""Playlists of what the site features, for a music player: an article's featured tracks, a work's soundtrack, a
composer's tracks that articles feature; as XSPF (the XML Shareable Playlist Format, version 1) and as M3U8
(extended M3U in UTF-8). Each entry: the track's title, its composers, its duration, its listening link (or, for
a track without one, the page that presents it), in the order the page shows them."""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import Article, Composer, FeaturedTrack, Track, Work

XSPF_NAMESPACE = "http://xspf.org/ns/0/"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


@dataclass
class Entry:
    title: str
    composers: list[str]
    album: str
    seconds: int | None
    location: str  # where a player can go: the listening link, else the page presenting the track
    info: str  # the page presenting the track


@dataclass
class Playlist:
    title: str
    info: str
    entries: list[Entry] = field(default_factory=list)
    article_ids: set[int] = field(default_factory=set)  # the articles whose featured tracks it shows


def for_article(article: Article, absolute) -> Playlist:
    """``article``'s featured tracks, in the article's order; ``absolute`` makes a path an absolute address."""
    page = absolute(article.get_absolute_url())
    featured = article.featured_tracks.select_related("track__work").prefetch_related("track__composers")
    entries = [
        entry(item.track, info=f"{page}#track-{item.position}", listening_url=item.listening_url)
        for item in featured.order_by("position")
    ]
    return Playlist(title=article.title, info=page, entries=entries, article_ids={article.pk})


def for_work(work: Work, absolute) -> Playlist:
    """The work's soundtrack in album order; a track an article features takes that article's listening link."""
    page = absolute(work.get_absolute_url())
    links = Prefetch(
        "featurings",
        queryset=FeaturedTrack.objects.filter(article__in=Article.objects.published()).exclude(listening_url=""),
        to_attr="published_featurings",
    )
    tracks = work.tracks.select_related("work").prefetch_related("composers", links).order_by("position")
    tracks = list(tracks)
    entries = [entry(track, info=page, listening_url=first_link(track)) for track in tracks]
    used = {track.published_featurings[0].article_id for track in tracks if track.published_featurings}
    return Playlist(title=f"{work.title}: the soundtrack", info=page, entries=entries, article_ids=used)


def for_composer(composer: Composer, absolute) -> Playlist:
    """The composer's tracks that published articles feature, each once, the newest article's first."""
    featured = (
        FeaturedTrack.objects.filter(article__in=Article.objects.published(), track__composers=composer)
        .select_related("track__work", "article")
        .prefetch_related("track__composers")
        .order_by("-article__publish_at", "-article__pk", "position")
    )
    entries, seen = [], set()
    for item in featured:
        if item.track_id not in seen:
            seen.add(item.track_id)
            info = f"{absolute(item.article.get_absolute_url())}#track-{item.position}"
            entries.append(entry(item.track, info=info, listening_url=item.listening_url))
    return Playlist(
        title=f"{composer.name}: tracks featured", info=absolute(composer.get_absolute_url()), entries=entries
    )


def entry(track: Track, *, info: str, listening_url: str) -> Entry:
    return Entry(
        title=track.title,
        composers=[composer.name for composer in track.composers.all()],
        album=track.work.title,
        seconds=int(track.duration.total_seconds()) if track.duration is not None else None,
        location=listening_url or info,
        info=info,
    )


def first_link(track: Track) -> str:
    return track.published_featurings[0].listening_url if track.published_featurings else ""


def as_xspf(playlist: Playlist) -> bytes:
    """XSPF 1: a <playlist> of <track>s; ElementTree escapes what the text holds, control characters (which XML
    cannot carry) are dropped."""
    root = ET.Element("playlist", {"version": "1", "xmlns": XSPF_NAMESPACE})
    _text(root, "title", playlist.title)
    _text(root, "info", playlist.info)
    track_list = ET.SubElement(root, "trackList")
    for item in playlist.entries:
        track = ET.SubElement(track_list, "track")
        _text(track, "location", item.location)
        _text(track, "title", item.title)
        if item.composers:
            _text(track, "creator", ", ".join(item.composers))
        _text(track, "info", item.info)
        _text(track, "album", item.album)
        if item.seconds is not None:
            _text(track, "duration", str(item.seconds * 1000))  # milliseconds
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = CONTROL_CHARACTERS.sub("", text)


def as_m3u8(playlist: Playlist) -> str:
    """Extended M3U: #EXTINF with the duration in seconds (-1 unknown) and "composers - title", then the address.
    A line break in a name would start a new entry: names are kept on one line."""
    lines = ["#EXTM3U", f"#PLAYLIST:{one_line(playlist.title)}"]
    for item in playlist.entries:
        name = f"{', '.join(item.composers)} - {item.title}" if item.composers else item.title
        seconds = item.seconds if item.seconds is not None else -1
        lines += [f"#EXTINF:{seconds},{one_line(name)}", f"#EXTALB:{one_line(item.album)}", one_line(item.location)]
    return "\n".join(lines) + "\n"


def one_line(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", LINE_BREAKS.sub(" ", text)).strip()

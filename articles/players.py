"""Players in place: a featured track's listening link opened as the provider's own embedded player, loaded only
when the reader asks for it (static/js/players.js), so that the page itself asks nothing of any provider.

A player's address is built from the ids a strict pattern finds in the link, never from the link's own text, and
only for the providers a page may frame: SECURE_CSP's frame-src is frame_origins() of LISTENING_LINK_HOSTS.
Bandcamp's player needs the numeric ids of the album and the track, which its artist pages' links do not carry
(they name them by slug): such a link stays a plain link. An editor who wants Bandcamp's player pastes the embed
address from Bandcamp's Share → Embed dialog (bandcamp.com/EmbeddedPlayer/album=…/track=…/), which holds the ids;
without JavaScript that link opens Bandcamp's player page. Any other link whose player cannot be derived stays a
plain link too (Tidal, Deezer, a youtube.com channel, an Apple Music song page, a SoundCloud short link).

settings.py imports this module for frame_origins(): it reads the settings only when a player is asked for.
"""

import re
from typing import NamedTuple
from urllib.parse import parse_qs, quote, urlsplit

from django.conf import settings

YOUTUBE = "https://www.youtube-nocookie.com"  # YouTube's player that sets no cookie until the video is played
SPOTIFY = "https://open.spotify.com"
APPLE_MUSIC = "https://embed.music.apple.com"
BANDCAMP = "https://bandcamp.com"
SOUNDCLOUD = "https://w.soundcloud.com"

# The hosts of the links each player opens, exactly (a link from any other host, or with a port, user name or
# trailing dot, gets no player).
LINK_HOSTS = {
    YOUTUBE: ("youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be"),
    SPOTIFY: ("open.spotify.com",),
    APPLE_MUSIC: ("music.apple.com",),
    BANDCAMP: ("bandcamp.com",),  # the embed addresses of its share dialog; artists' subdomains have no player
    SOUNDCLOUD: ("soundcloud.com", "www.soundcloud.com", "m.soundcloud.com"),
}


class Player(NamedTuple):
    url: str
    shape: str  # the room it takes (static/css/site.css): "video", "track" (one track) or "list" (an album, a set)


YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
YOUTU_BE_PATH = re.compile(r"/([A-Za-z0-9_-]{11})/?")
SPOTIFY_PATH = re.compile(r"(?:/intl-[a-z]{2}(?:-[a-z]{2})?)?/(track|album|playlist)/([A-Za-z0-9]{22})/?")
APPLE_SLUG = r"(?:[a-z0-9-]|%[89A-Fa-f][0-9A-Fa-f])+"  # an accented letter's bytes escaped, no other escape
APPLE_MUSIC_PATH = re.compile(
    rf"/(?P<store>[a-z]{{2}})/(?:album/(?P<album_slug>{APPLE_SLUG}/)?(?P<album>[0-9]{{1,15}})"
    rf"|playlist/(?P<playlist_slug>{APPLE_SLUG}/)?(?P<playlist>pl\.[A-Za-z0-9-]{{1,64}}))/?"
)
APPLE_TRACK_ID = re.compile(r"[0-9]{1,15}")
BANDCAMP_PATH = re.compile(r"/EmbeddedPlayer(?:\.html)?((?:/[a-z]+=[A-Za-z0-9]+)+)/?")
BANDCAMP_ID = re.compile(r"[0-9]{1,12}")
# The look the share dialog lets an editor choose ("v" in its older addresses): ignored, the player has ours.
BANDCAMP_LOOK = {"size", "bgcol", "linkcol", "tracklist", "artwork", "transparent", "minimal", "v"}
SOUNDCLOUD_PATH = re.compile(r"/([a-z0-9_-]{1,100})/(sets/)?([a-z0-9_-]{1,255})/?")


def youtube(link) -> Player | None:
    if link.hostname == "youtu.be":
        found = YOUTU_BE_PATH.fullmatch(link.path)
        video = found and found[1]
    else:
        video = link.path == "/watch" and first(link.query, "v")
    if not video or not YOUTUBE_ID.fullmatch(video):
        return None
    return Player(f"{YOUTUBE}/embed/{video}?autoplay=1", "video")


def spotify(link) -> Player | None:
    if not (found := SPOTIFY_PATH.fullmatch(link.path)):
        return None
    kind, item = found.groups()
    return Player(f"{SPOTIFY}/embed/{kind}/{item}", "track" if kind == "track" else "list")


def apple_music(link) -> Player | None:
    if not (found := APPLE_MUSIC_PATH.fullmatch(link.path)):
        return None
    store = found["store"]
    if found["playlist"]:
        return Player(f"{APPLE_MUSIC}/{store}/playlist/{found['playlist_slug'] or ''}{found['playlist']}", "list")
    album = f"{APPLE_MUSIC}/{store}/album/{found['album_slug'] or ''}{found['album']}"
    if (track := first(link.query, "i")) is None:
        return Player(album, "list")
    return Player(f"{album}?i={track}", "track") if APPLE_TRACK_ID.fullmatch(track) else None


def bandcamp(link) -> Player | None:
    if not (found := BANDCAMP_PATH.fullmatch(link.path)):
        return None
    segments = [segment.split("=") for segment in found[1].split("/")[1:]]
    ids = {key: value for key, value in segments if key in ("album", "track")}
    if (
        len({key for key, _ in segments}) < len(segments)
        or not ids
        or any(key not in BANDCAMP_LOOK for key, _ in segments if key not in ids)
        or not all(BANDCAMP_ID.fullmatch(value) for value in ids.values())
    ):
        return None
    album, track = (f"{key}={ids[key]}/" if key in ids else "" for key in ("album", "track"))
    look = "size=large/bgcol=ffffff/linkcol=0687f5/tracklist=false/artwork=small/"
    return Player(f"{BANDCAMP}/EmbeddedPlayer/{album}{look}{track}transparent=true/", "track" if track else "list")


def soundcloud(link) -> Player | None:
    if not (found := SOUNDCLOUD_PATH.fullmatch(link.path)):
        return None
    user, sets, slug = found.groups()
    page = f"https://soundcloud.com/{user}/{sets or ''}{slug}"
    return Player(f"{SOUNDCLOUD}/player/?url={quote(page, safe='')}&auto_play=true", "list" if sets else "track")


PARSERS = {YOUTUBE: youtube, SPOTIFY: spotify, APPLE_MUSIC: apple_music, BANDCAMP: bandcamp, SOUNDCLOUD: soundcloud}
ORIGIN_OF_HOST = {host: origin for origin, hosts in LINK_HOSTS.items() for host in hosts}


def first(query: str, name: str) -> str | None:
    values = parse_qs(query).get(name)
    return values[0] if values else None


def frame_origins(allowed_hosts: list[str]) -> list[str]:
    """The origins of the players for links that ``allowed_hosts`` (LISTENING_LINK_HOSTS) allow, subdomains
    included as the validator includes them: what SECURE_CSP's frame-src lists."""
    return [
        origin
        for origin, hosts in LINK_HOSTS.items()
        if any(host == allowed or host.endswith("." + allowed) for host in hosts for allowed in allowed_hosts)
    ]


def player_for(url: str) -> Player | None:
    """The provider's player for a listening link, or None: no player known for its host, ids not found in the
    form expected, or the provider's origin not among the frames the Content Security Policy allows."""
    try:
        link = urlsplit(url)
    except ValueError:  # an unbalanced [ in the host
        return None
    origin = ORIGIN_OF_HOST.get(link.netloc.lower())
    if link.scheme != "https" or origin not in settings.SECURE_CSP.get("frame-src", ()):
        return None
    return PARSERS[origin](link)

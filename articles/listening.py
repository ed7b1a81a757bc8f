"""Listening links: the streaming or store service a featured track's link opens, named from the link's host."""

from urllib.parse import urlsplit

# The services of LISTENING_LINK_HOSTS' defaults; a host is matched with its subdomains (www., m., an artist's
# bandcamp.com page), the most specific name first. A host the settings allow that is not named here is shown as
# it is ("Listen on mixcloud.com").
SERVICE_NAMES = {
    "music.youtube.com": "YouTube Music",
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "open.spotify.com": "Spotify",
    "music.apple.com": "Apple Music",
    "bandcamp.com": "Bandcamp",
    "soundcloud.com": "SoundCloud",
    "tidal.com": "Tidal",
    "deezer.com": "Deezer",
}
_MOST_SPECIFIC_FIRST = sorted(SERVICE_NAMES, key=lambda host: -host.count("."))


def service_name(url: str) -> str:
    """The name of the service a listening link opens: "Spotify", or the host itself for one we have no name for."""
    host = (urlsplit(url.replace("\\", "/")).hostname or "").rstrip(".")
    for known in _MOST_SPECIFIC_FIRST:
        if host == known or host.endswith("." + known):
            return SERVICE_NAMES[known]
    return host.removeprefix("www.")

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

musicbrainz_id = RegexValidator(
    r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z",
    "Enter a MusicBrainz identifier (MBID), such as 5b11f4ce-a62d-471e-81fc-a69a8278c7da.",
    code="invalid_musicbrainz_id",
)
isrc = RegexValidator(
    r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}\Z",
    "Enter an ISRC of 12 characters without dashes, such as GBAYE0601498.",
    code="invalid_isrc",
)
wikidata_id = RegexValidator(
    r"^Q[1-9][0-9]*\Z", "Enter a Wikidata item identifier, such as Q42.", code="invalid_wikidata_id"
)
imdb_title_id = RegexValidator(
    r"^tt[0-9]{7,10}\Z", "Enter an IMDb title identifier, such as tt0133093.", code="invalid_imdb_id"
)
imdb_name_id = RegexValidator(
    r"^nm[0-9]{7,10}\Z", "Enter an IMDb name identifier, such as nm0000184.", code="invalid_imdb_id"
)
igdb_slug = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z",
    "Enter the game's IGDB slug, such as hollow-knight.",
    code="invalid_igdb_id",
)


def listening_host_allowed(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == allowed or host.endswith("." + allowed) for allowed in settings.LISTENING_LINK_HOSTS)


def validate_listening_url(value: str) -> None:
    """Accept only https links to the streaming and store providers the site trusts."""
    # Browsers read a backslash as a slash in https URLs; urlsplit does not.
    parts = urlsplit(value.replace("\\", "/"))
    if parts.scheme != "https":
        raise ValidationError("Listening links must start with https://.", code="listening_url_scheme")
    try:
        port = parts.port
    except ValueError:  # out of range or not a number
        port = -1
    if parts.username or parts.password or port not in (None, 443):
        raise ValidationError("Listening links may not carry a user name, password or port.", code="listening_url_host")
    if not parts.hostname or not listening_host_allowed(parts.hostname):
        providers = ", ".join(settings.LISTENING_LINK_HOSTS)
        raise ValidationError(
            "%(host)s is not an accepted listening provider. Use a link from: %(providers)s.",
            code="listening_url_provider",
            params={"host": parts.hostname or value, "providers": providers},
        )

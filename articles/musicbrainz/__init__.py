"""Track lists from MusicBrainz: a work's soundtrack album read from a MusicBrainz release and imported into its
tracks, composers and ISRCs.

- ``client``: the web service, as its rules ask (a User-Agent with a contact, one request a second, 503s
  waited out);
- ``release``: a release's JSON read into the tracks the import needs, and a release's identifier from what an
  editor pastes;
- ``importer``: what an import would change (the preview), and the import, all or nothing.
"""

from .client import MusicBrainzClient, MusicBrainzError, RateLimiter, ReleaseNotFound
from .importer import ImportPlan, import_release, plan_import
from .release import Release, read_release, release_id

__all__ = [
    "ImportPlan",
    "MusicBrainzClient",
    "MusicBrainzError",
    "RateLimiter",
    "Release",
    "ReleaseNotFound",
    "import_release",
    "plan_import",
    "read_release",
    "release_id",
]

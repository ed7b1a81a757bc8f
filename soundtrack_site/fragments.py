"""Keys of cached HTML fragments (comment cards, article parts): made with one release's templates, never shown
by another's."""

import hashlib
from functools import cache

from django.conf import settings
from django.template.loader import get_template


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def templates_digest(*names: str) -> str:
    """A short digest of the templates' sources. They do not change while a production process runs (the cached
    template loader), so it is computed once there; under `runserver` (DEBUG) edited templates count at once."""
    return _sources_digest(names) if settings.DEBUG else _sources_digest_once(names)


def _sources_digest(names: tuple[str, ...]) -> str:
    return digest("".join(get_template(name).template.source for name in names))[:12]


_sources_digest_once = cache(_sources_digest)

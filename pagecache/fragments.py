"""Keys of cached HTML fragments (article parts, comment sections, comment cards): one helper builds them all."""

import hashlib
from functools import cache

from django.conf import settings
from django.template.loader import get_template

SEPARATOR = "\x1f"  # between the parts a key is made of


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def fragment_key(kind: str, *, templates: tuple[str, ...], shown) -> str:
    """The key of a fragment of ``kind`` rendered from ``templates``, showing ``shown`` (everything it depends on,
    its stamps included). Fragments made with one release's templates are never shown by another's."""
    return f"fragment:{kind}:{templates_digest(*templates)}:{digest(SEPARATOR.join(map(str, shown)))}"


def templates_digest(*names: str) -> str:
    """A short digest of the templates' sources. They do not change while a production process runs (the cached
    template loader), so it is computed once there; under `runserver` (DEBUG) edited templates count at once."""
    return _sources_digest(names) if settings.DEBUG else _sources_digest_once(names)


def _sources_digest(names: tuple[str, ...]) -> str:
    return digest("".join(get_template(name).template.source for name in names))[:12]


_sources_digest_once = cache(_sources_digest)

"""Pages as the page cache keeps them: the bytes to send and the headers, in one of two encodings, never a pickled
response. A hit sends what is kept, filling in only the slots (pagecache/slots.py).

A page's gzip copy is compressed once, when it is stored. The slots cannot be compressed in advance (their value
changes on every view), so the copy is kept in two parts: the text before the first slot, compressed and flushed
(a deflate stream can be continued by a new compressor after a flush), and the raw text from the first slot on.
Per view only that rest is compressed; a comment form's slot sits at the end of the page, so that is a few KB of
a hundred. The gzip trailer's CRC is carried on from the head's, kept with it.
"""

import gzip
import hashlib
import re
import secrets
import struct
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.http import quote_etag

from .slots import fill_per_view_slots, per_view_slots, slot

GZIP = "gzip"
FORMAT = 1  # in the keys: a release that changes StoredPage never reads the pages an older one kept
COMPRESS_LEVEL = 6  # zlib's default: nearly all of level 9's gain on HTML, at a third of its time
# A gzip header without a name or a time: the same page compresses to the same bytes.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class StoredPage:
    stamp: float  # the pages stamp it was made under: a page kept under an older one is stale
    version: str  # drawn when it was stored: tells a process's own copy (LocalCopies) from a newer one
    headers: tuple[tuple[str, str], ...]
    encoding: str  # "" (as rendered) or "gzip"
    head: bytes  # the page up to its first slot (compressed, for gzip), or all of it when it has none
    tail: bytes = b""  # the page from its first slot on, never compressed
    head_crc: int = 0  # gzip: the CRC-32 and length of the head's text, for the trailer
    head_size: int = 0

    def response(self) -> HttpResponse:
        body = self.head + self.tail if self.encoding != GZIP else self._gzip_body()
        response = HttpResponse(body)
        for name, value in self.headers:
            response[name] = value
        response["Content-Length"] = str(len(body))
        return response

    def _gzip_body(self) -> bytes:
        if not self.tail:
            return self.head
        text = fill_per_view_slots(self.tail)
        compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        trailer = struct.pack("<II", zlib.crc32(text, self.head_crc), (self.head_size + len(text)) & 0xFFFFFFFF)
        return self.head + compressor.compress(text) + compressor.flush() + trailer


def accepts_gzip(request) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def store(response: HttpResponse, *, stamp: float) -> tuple[StoredPage, StoredPage]:
    """The page as rendered and its gzip copy, each with its own strong ETag (one validator per representation)."""
    content = response.content
    headers = tuple((name, value) for name, value in response.items() if name not in ("Content-Length", "ETag"))
    digest = hashlib.md5(content, usedforsecurity=False).hexdigest()
    version = secrets.token_hex(8)
    plain = StoredPage(stamp, version, (*headers, ("ETag", quote_etag(digest))), "", content)
    gzip_headers = (*headers, ("Content-Encoding", GZIP), ("ETag", quote_etag(f"{digest}-{GZIP}")))
    cut = _first_slot(content)
    if cut is None:
        return plain, StoredPage(stamp, version, gzip_headers, GZIP, gzip.compress(content, COMPRESS_LEVEL, mtime=0))
    compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = GZIP_HEADER + compressor.compress(content[:cut]) + compressor.flush(zlib.Z_SYNC_FLUSH)
    compressed = StoredPage(
        stamp, version, gzip_headers, GZIP, head, content[cut:], head_crc=zlib.crc32(content[:cut]), head_size=cut
    )
    return plain, compressed


def _first_slot(content: bytes) -> int | None:
    found = [at for name in per_view_slots() if (at := content.find(slot(name).encode())) >= 0]
    return min(found, default=None)


def version_key(key: str) -> str:
    """Where the version of the page kept at ``key`` is kept beside it: a few bytes to read instead of the page."""
    return f"{key}:version"


class LocalCopies:
    """The pages a process served last, so that a hit need not bring a hundred KB from the shared cache each time.
    A copy is used only while the shared cache holds the same version of the page (read with the stamps, in the
    same round trip), so it is never staler than the shared copy; at most ``size`` pages are kept."""

    def __init__(self, size: int):
        self.size = size
        self.pages: OrderedDict[str, StoredPage] = OrderedDict()

    def get(self, key: str) -> StoredPage | None:
        return self.pages.get(key)

    def keep(self, key: str, page: StoredPage) -> None:
        self.pages[key] = page
        self.pages.move_to_end(key)
        while len(self.pages) > self.size:
            self.pages.popitem(last=False)

"""Pages as the page cache keeps them: the bytes to send and the headers, in one of two encodings, never a pickled
response. A hit sends what is kept, filling in only the slots (pagecache/slots.py).

A page's gzip copy is compressed once, when it is stored. Its slots cannot be compressed in advance (their values
change on every view), so the text around them is compressed piece by piece, each piece by a compressor of its
own that ends flushed on a byte: pieces made so can be sent one after the other, with each view's values
compressed alone between them, as one deflate stream. The gzip trailer's CRC is carried on from the first piece's
(kept with it) through the values and the later pieces' text (kept too: a page's slots sit near its end, so that
is a few KB).
"""

import gzip
import hashlib
import re
import secrets
import struct
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.http import quote_etag

from .slots import per_view_slots, slot

GZIP = "gzip"
FORMAT = 3  # in the keys: a release that changes StoredPage never reads the pages an older one kept
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
    pieces: tuple[bytes, ...]  # the text around the page's slots; for gzip, each piece compressed on its own
    slots: tuple[str, ...] = ()  # the slot between each two pieces
    texts: tuple[bytes, ...] = ()  # gzip: the text of every piece but the first, for the trailer
    first_crc: int = 0  # gzip: the CRC-32 of the first piece's text, and the length of all the pieces' text
    size: int = 0

    def response(self, *, fill_slots: bool = True) -> HttpResponse:
        """The page to send, its slots filled with this view's values (``fill_slots``; else left for
        ``PerViewSlotsMiddleware`` to make includes of: only the page as rendered can be sent so)."""
        if self.encoding == GZIP:
            body = self._gzip_body() if self.slots else self.pieces[0]
        else:
            body = self._body(fill_slots)
        response = HttpResponse(body)
        for name, value in self.headers:
            response[name] = value
        response["Content-Length"] = str(len(body))
        response.slots_filled = fill_slots or not self.slots
        return response

    def _body(self, fill_slots: bool) -> bytes:
        body, makers = [self.pieces[0]], per_view_slots()
        for name, piece in zip(self.slots, self.pieces[1:], strict=True):
            body += [makers[name]().encode() if fill_slots else slot(name).encode(), piece]
        return b"".join(body)

    def _gzip_body(self) -> bytes:
        body, crc, size = [self.pieces[0]], self.first_crc, self.size
        makers = per_view_slots()
        for name, piece, text in zip(self.slots, self.pieces[1:], self.texts, strict=True):
            value = makers[name]().encode()
            body += [_compressed_alone(value, zlib.Z_SYNC_FLUSH, small=True), piece]
            crc = zlib.crc32(text, zlib.crc32(value, crc))
            size += len(value)
        body.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
        return b"".join(body)


def _compressed_alone(text: bytes, flush: int, *, small: bool = False) -> bytes:
    """``text`` as deflate blocks that refer to nothing before them, ending on a byte (a flush) or the stream.
    ``small``: a few hundred bytes, compressed with a small window and little memory (a compressor's usual 256 KB
    take longer to set up than the whole page's slot values to compress)."""
    if small:
        compressor = zlib.compressobj(1, zlib.DEFLATED, -9, 1)
    else:
        compressor = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(text) + compressor.flush(flush)


def accepts_gzip(request) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def store(response: HttpResponse, *, stamp: float) -> tuple[StoredPage, StoredPage]:
    """The page as rendered and its gzip copy, each with its own strong ETag (one validator per representation)."""
    content = response.content
    headers = tuple((name, value) for name, value in response.items() if name not in ("Content-Length", "ETag"))
    digest = hashlib.md5(content, usedforsecurity=False).hexdigest()
    version = secrets.token_hex(8)
    gzip_headers = (*headers, ("Content-Encoding", GZIP), ("ETag", quote_etag(f"{digest}-{GZIP}")))
    marks = {slot(name).encode(): name for name in per_view_slots()}
    split = re.split(b"(" + b"|".join(map(re.escape, marks)) + b")", content) if marks else [content]
    texts, slots = split[::2], tuple(marks[mark] for mark in split[1::2])
    plain = StoredPage(stamp, version, (*headers, ("ETag", quote_etag(digest))), "", tuple(texts), slots)
    if not slots:
        return plain, StoredPage(stamp, version, gzip_headers, GZIP, (gzip.compress(content, COMPRESS_LEVEL, mtime=0),))
    pieces = [_compressed_alone(text, zlib.Z_SYNC_FLUSH) for text in texts[:-1]]
    pieces.append(_compressed_alone(texts[-1], zlib.Z_FINISH))
    pieces[0] = GZIP_HEADER + pieces[0]
    compressed = StoredPage(
        stamp,
        version,
        gzip_headers,
        GZIP,
        tuple(pieces),
        slots,
        tuple(texts[1:]),
        first_crc=zlib.crc32(texts[0]),
        size=sum(map(len, texts)),
    )
    return plain, compressed


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
        self.lock = threading.Lock()  # gunicorn's threaded workers share one middleware between threads

    def get(self, key: str) -> StoredPage | None:
        return self.pages.get(key)

    def keep(self, key: str, page: StoredPage) -> None:
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

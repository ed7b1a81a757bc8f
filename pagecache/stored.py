"""Pages as the page cache keeps them: the bytes to send and the headers, in one of two encodings, never a pickled
response. A hit sends what is kept, filling in only the slots (pagecache/slots.py).

A page is compressed once, when it is stored. Its slots cannot be compressed in advance (their values change on
every view), so the text around them is compressed piece by piece, each piece by a compressor of its own that ends
flushed on a byte: pieces made so can be sent one after the other, with each view's values compressed alone between
them, as one deflate stream. The gzip trailer's CRC is carried on from the first piece's (kept with it) through the
values and the later pieces' text (kept too).

Two copies are kept: the page as rendered, with every slot, which also holds its pieces compressed: a reader with a
session (signed in) who takes gzip is sent those, with their own values compressed between them, instead of the whole
page compressed again on every view; and the gzip copy, for readers without state of their own, whose reader slots
are all empty: it is those same compressed pieces, joined where a reader slot was, so it has only the per-view slots
(near the page's end: its later text is a few KB).

A value compressed alone shares no compression with the page around it: the length of what is sent says nothing
about how a secret in a slot (the reader's CSRF token) matches text an attacker put in the page, which is what a
compression side channel (BREACH) needs, so no padding is added against one.
"""

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

from .slots import per_view_slots, reader_slots, slot

GZIP = "gzip"
FORMAT = 7  # in the keys: a release that changes StoredPage never reads the pages an older one kept
COMPRESS_LEVEL = 6  # zlib's default: nearly all of level 9's gain on HTML, at a third of its time
# A gzip header without a name or a time: the same page compresses to the same bytes.
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@dataclass(frozen=True)
class StoredPage:
    stamps: tuple[tuple[str, float], ...]  # the stamps it was made under (stamps.page_stamps()): sent while they stand
    version: str  # drawn when it was stored: tells a process's own copy (LocalCopies) from a newer one
    headers: tuple[tuple[str, str], ...]
    encoding: str  # "" (as rendered) or "gzip"
    pieces: tuple[bytes, ...]  # the text around the page's slots; for gzip, each piece compressed on its own
    slots: tuple[str, ...] = ()  # the slot between each two pieces
    texts: tuple[bytes, ...] = ()  # gzip: the text of every piece but the first, for the trailer
    # The CRC-32 of the first piece's text, and the length of all the pieces' text: the gzip trailer's start.
    first_crc: int = 0
    size: int = 0
    compressed: tuple[bytes, ...] = ()  # as rendered: the pieces compressed each on its own, as a gzip copy's are
    # Rendered without reading the session: the same for every reader but for its reader slots, so it may be sent
    # to readers who have one (signed in, or with comments of their own) too.
    shared: bool = False
    # Its rendering asked whether the reader needs a page of their own (slots.needs_own_page): a reader with a
    # session is sent the shared copy only when the answer for them is no.
    asks_reader: bool = False

    def response(self, request, *, per_view: bool = True, compress: bool = False) -> HttpResponse:
        """The page to send, its per-view slots filled with this view's values (or left empty: ``per_view``) and
        its reader slots with the request's reader's; ``compress``: the page as rendered sent as gzip."""
        body, headers = self.sent(request, per_view=per_view, compress=compress)
        response = HttpResponse(body)
        for name, value in headers:
            response[name] = value
        response.slots_filled = True
        return response

    def sent(self, request, *, per_view: bool = True, compress: bool = False) -> tuple[bytes, list[tuple[str, str]]]:
        """The body to send and its headers (``response()``'s, without a response object)."""
        values = self._values(request, per_view)
        headers = list(self.headers)
        if self.encoding == GZIP:
            body = (
                _gzip_body(self.pieces, self.texts, values, self.first_crc, self.size) if self.slots else self.pieces[0]
            )
        elif compress and self.compressed:
            body = _gzip_body(self.compressed, self.pieces[1:], values, self.first_crc, self.size)
            name, etag = headers.pop()  # stored last (store()): the gzip copy's validator, as store() makes it
            headers += [("Content-Encoding", GZIP), (name, f'{etag[:-1]}-{GZIP}"')]
        else:
            body = b"".join(part for pair in zip(self.pieces, [*values, b""], strict=True) for part in pair)
        if own := b"".join(value for name, value in zip(self.slots, values, strict=True) if name in reader_slots()):
            # What the reader's values add: a representation of its own, with a validator of its own.
            own_digest = hashlib.md5(own, usedforsecurity=False).hexdigest()[:12]
            name, etag = headers[-1]  # stored last (store())
            headers[-1] = (name, etag[:-1] + f"-{own_digest}" + '"')
        headers.append(("Content-Length", str(len(body))))
        return body, headers

    def _values(self, request, per_view: bool) -> list[bytes]:
        """Each slot's value for this view: the reader's own, or a fresh per-view value (empty: not ``per_view``)."""
        makers, readers = per_view_slots(), reader_slots()
        values = []
        for name in self.slots:
            if name in readers:
                values.append(readers[name](request).encode())
            else:
                values.append(makers[name]().encode() if per_view else b"")
        return values


def _gzip_body(pieces, texts, values: list[bytes], crc: int, size: int) -> bytes:
    """The compressed ``pieces`` with the ``values`` compressed alone between them, and the trailer: its CRC carried
    on from ``crc`` (the first piece's) through each value and the later pieces' ``texts``."""
    body = [pieces[0]]
    for value, piece, text in zip(values, pieces[1:], texts, strict=True):
        if value:  # an empty slot (a reader slot of a reader without one) adds nothing to the stream
            body.append(_compressed_alone(value, zlib.Z_SYNC_FLUSH, small=True))
            crc, size = zlib.crc32(value, crc), size + len(value)
        body.append(piece)
        crc = zlib.crc32(text, crc)
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
    return bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def store(
    response: HttpResponse, *, stamps: tuple[tuple[str, float], ...], shared: bool, asks_reader: bool = False
) -> tuple[StoredPage, StoredPage]:
    """The page as rendered and its gzip copy, each with its own strong ETag (one validator per representation).
    ``shared``, ``asks_reader``: StoredPage's.

    The gzip copy is for readers without a session alone, whose reader slots are all empty: they are left out of
    it, so that it has as few pieces as it has per-view slots. A reader with a session is sent the page as
    rendered, its pieces compressed too for one whose browser takes gzip."""
    content = response.content
    headers = tuple((name, value) for name, value in response.items() if name not in ("Content-Length", "ETag"))
    digest = hashlib.md5(content, usedforsecurity=False).hexdigest()
    version = secrets.token_hex(8)
    sharing = {"shared": shared, "asks_reader": asks_reader}
    texts, slots = _split(content, (*per_view_slots(), *reader_slots()))
    plain = StoredPage(
        stamps,
        version,
        (*headers, ("ETag", quote_etag(digest))),
        "",
        texts,
        slots,
        **_compressed_pieces(texts),
        **sharing,
    )
    gzip_headers = (*headers, ("Content-Encoding", GZIP), ("ETag", quote_etag(f"{digest}-{GZIP}")))
    pieces, texts, slots = _without_reader_slots(plain)
    first_crc = zlib.crc32(texts[0])
    if not slots:
        whole = _gzip_body(pieces, (), [], first_crc, plain.size)
        return plain, StoredPage(stamps, version, gzip_headers, GZIP, (whole,), **sharing)
    return plain, StoredPage(
        stamps, version, gzip_headers, GZIP, pieces, slots, texts[1:], first_crc, plain.size, **sharing
    )


def _without_reader_slots(plain: StoredPage) -> tuple[tuple[bytes, ...], tuple[bytes, ...], tuple[str, ...]]:
    """The gzip copy's pieces, their texts and its slots, made from the page as rendered with its reader slots left
    empty: each of its compressed pieces ends on a byte and refers to nothing before it, so the pieces on either side
    of a reader slot are joined as they are, and the page is compressed once, not once for each copy."""
    readers = reader_slots()
    pieces, texts, slots = [[plain.compressed[0]]], [[plain.pieces[0]]], []
    for name, piece, text in zip(plain.slots, plain.compressed[1:], plain.pieces[1:], strict=True):
        if name not in readers:
            slots.append(name)
            pieces.append([])
            texts.append([])
        pieces[-1].append(piece)
        texts[-1].append(text)
    return tuple(map(b"".join, pieces)), tuple(map(b"".join, texts)), tuple(slots)


def _compressed_pieces(texts: tuple[bytes, ...]) -> dict:
    """The text around a page's slots compressed piece by piece, the first with the gzip header, the last ending
    the stream; with the start of the trailer (StoredPage's ``compressed``, ``first_crc`` and ``size``)."""
    pieces = [_compressed_alone(text, zlib.Z_SYNC_FLUSH) for text in texts[:-1]]
    pieces.append(_compressed_alone(texts[-1], zlib.Z_FINISH))
    pieces[0] = GZIP_HEADER + pieces[0]
    return {"compressed": tuple(pieces), "first_crc": zlib.crc32(texts[0]), "size": sum(map(len, texts))}


def _split(content: bytes, names) -> tuple[tuple[bytes, ...], tuple[str, ...]]:
    """The text around the slots named that ``content`` holds, and the slot between each two pieces."""
    marks = {slot(name).encode(): name for name in names}
    split = re.split(b"(" + b"|".join(map(re.escape, marks)) + b")", content) if marks else [content]
    return tuple(split[::2]), tuple(marks[mark] for mark in split[1::2])


def version_key(key: str) -> str:
    """Where the version of the page kept at ``key`` (``pagecache:page:…``) is kept beside it: a few bytes to read
    instead of the page, held by each process while Redis tracks it (pagecache/tracked.py)."""
    return key.replace("pagecache:page:", "pagecache:version:", 1)


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

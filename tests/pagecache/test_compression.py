"""Pages sent compressed to browsers that take gzip: cached pages compressed once, when they are stored."""

import gzip
import io
import re

import pytest
from django.core.cache import cache
from django.http import FileResponse
from django.test import RequestFactory

from pagecache.lookup import is_public_read, page_key
from pagecache.middleware import CompressionMiddleware
from pagecache.stored import GZIP, StoredPage
from tests.utils.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

FORM_TOKEN = re.compile(rb'name="form_token" value="([^"]*)"')
GZIP_ACCEPTED = {"Accept-Encoding": "gzip, deflate, br, zstd"}
# Differ by nature between two responses: what tells a hit, and the length (each view's form token is its own).
PER_RESPONSE = {"X-Page-Cache", "Content-Length"}
TRAILER = b"CRC-size"  # gzip's last 8 bytes: a CRC-32 and the length, both of the text


@pytest.fixture
def article():
    article = ArticleFactory()
    CommentFactory.create_batch(3, article=article)
    return article


def test_a_browser_that_takes_gzip_gets_the_same_page_compressed(client, article):
    plain = client.get(article.get_absolute_url())
    for response in (client.get(article.get_absolute_url(), headers=GZIP_ACCEPTED) for _ in range(2)):  # miss, hit
        assert response["Content-Encoding"] == "gzip"
        assert int(response["Content-Length"]) == len(response.content) < len(plain.content) / 2
        page = gzip.decompress(response.content)  # checks the trailer's CRC and length too
        assert FORM_TOKEN.sub(b"", page) == FORM_TOKEN.sub(b"", plain.content)
    assert "Content-Encoding" not in plain


def test_every_compressed_view_gets_a_fresh_form_token(client, article):
    tokens = [
        FORM_TOKEN.search(gzip.decompress(client.get(article.get_absolute_url(), headers=GZIP_ACCEPTED).content))[1]
        for _ in range(3)
    ]
    assert len(set(tokens)) == 3
    assert not any(b"slot" in token for token in tokens)


def test_both_copies_say_they_vary_by_encoding_and_have_validators_of_their_own(client, article):
    plain = client.get(article.get_absolute_url())
    compressed = client.get(article.get_absolute_url(), headers=GZIP_ACCEPTED)

    for response in (plain, compressed):
        assert response["Vary"] == "Cookie, Accept-Encoding"
    assert plain["ETag"] != compressed["ETag"]
    again = client.get(article.get_absolute_url(), headers=GZIP_ACCEPTED | {"If-None-Match": compressed["ETag"]})
    assert again.status_code == 304


def test_a_hit_has_the_headers_of_a_miss(client, article):
    for headers in ({}, GZIP_ACCEPTED):
        cache.clear()
        miss = client.get(article.get_absolute_url(), headers=headers)
        hit = client.get(article.get_absolute_url(), headers=headers)

        assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
        assert {k: v for k, v in hit.items() if k not in PER_RESPONSE} == {
            k: v for k, v in miss.items() if k not in PER_RESPONSE
        }
        assert "Content-Security-Policy" in hit and hit["X-Frame-Options"] == "DENY"


def test_a_cached_page_is_compressed_once_and_each_view_compresses_only_its_own_values(client, article):
    url = article.get_absolute_url()
    client.get(url, headers=GZIP_ACCEPTED)

    stored = cache.get(page_key(RequestFactory().get(url), GZIP))
    assert isinstance(stored, StoredPage)  # bytes and headers, not a pickled response
    assert stored.slots == ("form_token",) and len(stored.pieces) == 2
    first, last = stored.pieces
    for _ in range(2):
        body = client.get(url, headers=GZIP_ACCEPTED).content
        # The text before and after the form's token as it was compressed when stored; between them, the token.
        assert body.startswith(first) and body[: -len(TRAILER)].endswith(last)
        assert len(body) - len(first) - len(last) - len(TRAILER) < 200  # the token: about a hundred random bytes


def test_a_page_without_slots_is_sent_as_it_was_compressed(client, article):
    client.get("/feeds/rss/", headers=GZIP_ACCEPTED)

    hit = client.get("/feeds/rss/", headers=GZIP_ACCEPTED)
    stored = cache.get(page_key(RequestFactory().get("/feeds/rss/"), GZIP))
    assert (hit.content,) == stored.pieces
    assert gzip.decompress(hit.content) == client.get("/feeds/rss/").content


def test_a_signed_in_readers_page_is_compressed_too(client, article):
    client.force_login(UserFactory())

    response = client.get(article.get_absolute_url(), headers=GZIP_ACCEPTED)

    assert response["Content-Encoding"] == "gzip"
    assert b"<h2" in gzip.decompress(response.content)
    assert "X-Page-Cache" not in response


def test_an_edge_fetching_a_page_to_keep_gets_it_compressed_whole_with_no_per_view_value(client, article):
    edge = {"Surrogate-Capability": 'varnish="Surrogate/1.0"'}
    kept = [client.get(article.get_absolute_url(), headers=GZIP_ACCEPTED | edge) for _ in range(2)]

    assert [response["Content-Encoding"] for response in kept] == ["gzip", "gzip"]
    assert kept[0].content == kept[1].content  # the same bytes for every view: nothing in it is this view's
    assert b"<esi:" not in gzip.decompress(kept[1].content)


def test_a_file_is_sent_as_it_is_stored():
    """WhiteNoise sends the compressed copies it made of static files; images and fonts gain nothing from gzip."""
    middleware = CompressionMiddleware(lambda request: FileResponse(io.BytesIO(b"<svg></svg>" * 100)))

    response = middleware(RequestFactory().get("/static/x.svg", headers=GZIP_ACCEPTED))

    assert not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content) == b"<svg></svg>" * 100


def test_static_files_are_whitenoises_never_looked_up_nor_compressed_by_the_site(client):
    response = client.get("/static/css/site.css", headers=GZIP_ACCEPTED)

    assert response.status_code == 200 and not response.has_header("Content-Encoding")
    assert response["X-Content-Type-Options"] == "nosniff"  # inside the security headers' middleware
    assert not is_public_read(RequestFactory().get("/static/css/site.css"))

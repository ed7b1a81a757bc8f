"""Readers with state of their own (signed in, or with comments of their own) share the cached pages that read
nothing of theirs: the page comes from the cache with their own values in its reader slots, and is sent as theirs
alone."""

import gzip
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.own_comments import own_comment_ids
from pagecache.lookup import read_reader_state
from soundtrack_site.middleware import SessionMiddleware
from soundtrack_site.reader_slots import ACCOUNT_COOKIE, STAFF_COOKIE
from tests.utils.factories import ArticleFactory, ComposerFactory, UserFactory

PASSWORD = "correct horse battery staple"  # UserFactory's

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

# In the header's list (every page also holds it in a template, for static/js/staff-links.js on the edge's copy).
ADMIN_LINK = re.compile(rf'<li data-staff-links><a href="{reverse("admin:index")}">Admin</a></li>\s*</ul>')


def admin_link_in(html: str) -> bool:
    return ADMIN_LINK.search(html) is not None


@pytest.fixture
def article():
    article = ArticleFactory()
    article.tags.add("Leitmotif")
    article.composers.add(ComposerFactory())
    return article


@pytest.fixture
def anonymous(client):
    return client


@pytest.fixture
def reader(client_factory):
    signed_in = client_factory()
    signed_in.force_login(UserFactory())
    return signed_in


@pytest.fixture
def editor(client_factory):
    """A member of staff, signed in through the admin's sign-in page as people are."""
    staff = client_factory()
    user = UserFactory(is_staff=True)
    response = staff.post(reverse("admin:login"), {"username": user.username, "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302, "signed in"
    return staff


@pytest.fixture
def client_factory():
    return Client


def shareable_pages(article) -> list[str]:
    return [
        "/",
        reverse("articles:tag", args=["leitmotif"]),
        reverse("articles:composer", args=[article.composers.get().slug]),
        reverse("articles:work", args=[article.work.slug]),
        reverse("articles:feed_atom"),
        reverse("sitemap"),
    ]


def test_a_signed_in_reader_gets_list_pages_feeds_and_sitemaps_from_the_cache(anonymous, reader, article):
    for url in shareable_pages(article):
        cached = anonymous.get(url)
        response = reader.get(url)

        assert (cached["X-Page-Cache"], response["X-Page-Cache"]) == ("miss", "hit"), url
        assert response.content == cached.content, url
        assert response["Cache-Control"] == "private, no-cache", url  # never kept by a shared cache


def test_staff_get_their_admin_link_in_a_cached_page_and_nobody_else_does(anonymous, reader, editor, article):
    url = reverse("articles:tag", args=["leitmotif"])
    staff_view = editor.get(url)  # rendered for the editor, and kept for everyone

    assert staff_view["X-Page-Cache"] == "miss"
    assert admin_link_in(staff_view.content.decode())
    for other in (anonymous.get(url), reader.get(url)):
        assert other["X-Page-Cache"] == "hit"
        assert not admin_link_in(other.content.decode())
    assert editor.get(url)["X-Page-Cache"] == "hit"
    assert admin_link_in(editor.get(url).content.decode())


def test_a_page_with_the_staffs_links_is_a_representation_of_its_own(anonymous, editor, article):
    """A browser that revalidates the page it had before signing in gets the page with the links, not a 304."""
    url = reverse("articles:tag", args=["leitmotif"])
    before = anonymous.get(url)

    staff_view = editor.get(url, headers={"If-None-Match": before["ETag"]})

    assert staff_view.status_code == 200 and staff_view["ETag"] != before["ETag"]
    assert editor.get(url, headers={"If-None-Match": staff_view["ETag"]}).status_code == 304


def test_a_page_compressed_for_a_reader_with_a_session_holds_their_values(anonymous, editor, article):
    url = reverse("articles:tag", args=["leitmotif"])
    anonymous.get(url, headers={"Accept-Encoding": "gzip"})

    response = editor.get(url, headers={"Accept-Encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert admin_link_in(gzip.decompress(response.content).decode())


def test_an_article_page_is_rendered_for_a_session_the_hints_do_not_describe(anonymous, reader, article):
    """Signed in without the hints of a sign-in (``force_login``): the page is theirs alone, read from their session
    (tests/pagecache/test_signed_in_articles.py has readers signed in as people are)."""
    anonymous.get(article.get_absolute_url())

    response = reader.get(article.get_absolute_url())

    assert "X-Page-Cache" not in response
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()  # the signed-in reader's own form
    assert "private" in response["Cache-Control"]


def test_a_page_rendered_for_a_signed_in_reader_that_reads_their_session_is_not_kept(anonymous, reader, article):
    reader.get(article.get_absolute_url())

    assert anonymous.get(article.get_absolute_url())["X-Page-Cache"] == "miss"


def test_pages_outside_the_cache_fill_the_reader_slots_too(editor, reader):
    assert admin_link_in(editor.get(reverse("articles:search"), {"q": "score"}).content.decode())
    assert not admin_link_in(reader.get(reverse("articles:search"), {"q": "score"}).content.decode())


def test_a_session_cookie_that_names_no_session_gets_the_page_without_staff_links(anonymous, client_factory, article):
    url = reverse("articles:tag", args=["leitmotif"])
    anonymous.get(url)
    stranger = client_factory()
    stranger.cookies["sessionid"] = "made-up"

    response = stranger.get(url)

    assert response["X-Page-Cache"] == "hit"
    assert not admin_link_in(response.content.decode())


def test_a_signed_in_readers_view_of_a_cached_page_reads_no_row(anonymous, editor, reader, article):
    """Their session notes what the slots need on their first view; later views read the session alone (one cache
    read)."""
    url = reverse("articles:tag", args=["leitmotif"])
    anonymous.get(url)
    for client in (editor, reader):
        client.get(url)

        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)

        assert response["X-Page-Cache"] == "hit"
        assert len(queries) == 0
    assert admin_link_in(editor.get(url).content.decode())


def test_signing_out_takes_the_staffs_links_away(anonymous, editor, article):
    url = reverse("articles:tag", args=["leitmotif"])
    anonymous.get(url)
    assert admin_link_in(editor.get(url).content.decode())

    signed_out = editor.post(reverse("admin:logout"))

    assert signed_out.cookies[STAFF_COOKIE].value == ""  # deleted
    assert not admin_link_in(editor.get(url).content.decode())


def test_the_hint_is_set_on_signing_in_for_as_long_as_the_session(editor, settings):
    hint = editor.cookies[STAFF_COOKIE]

    assert hint.value == "1"
    # Read by static/js/staff-links.js on the page the edge shares: no script may read the account's, though.
    assert (hint["max-age"], hint["httponly"], hint["samesite"]) == (settings.SESSION_COOKIE_AGE, "", "Lax")
    assert editor.cookies[ACCOUNT_COOKIE]["httponly"] is True


def test_a_staff_hint_without_a_session_shows_nothing(anonymous, client_factory, article):
    """The hint outlived its session (expired, or signed out in another browser): the page is the anonymous one."""
    url = reverse("articles:tag", args=["leitmotif"])
    anonymous.get(url)
    stale = client_factory()
    stale.cookies[STAFF_COOKIE] = "1"

    assert not admin_link_in(stale.get(url).content.decode())


def test_looking_for_a_readers_own_comments_counts_as_reading_their_state_even_without_any(rf):
    """So a page that shows them is never shared, whoever rendered it first."""
    request = rf.get("/")
    SessionMiddleware(lambda request: None).process_request(request)
    assert not read_reader_state(request)

    assert own_comment_ids(request) == []
    assert read_reader_state(request)

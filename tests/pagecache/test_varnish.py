"""Varnish in front of the site (deploy/varnish/): a real varnishd with the repository's VCL before the live server,
purged by the app through its surrogate keys."""

import gzip
import http.client
import json
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from django.core import signing
from django.test import Client
from taggit.models import Tag

from articles.models import Article
from comments import services
from comments.forms import FORM_TOKEN_SALT
from comments.models import Comment
from comments.own_comments import own_comments_cookie
from reliability.servers import ToolMissing
from reliability.varnish import Varnish
from soundtrack_site.reader_slots import hint_cookies
from tests.utils.discussion import (
    POSTER,
    comment_form,
    comment_form_data,
    known_commenter,
    post_url,
)
from tests.utils.factories import ArticleFactory, CommentFactory, UserFactory
from tests.utils.html import parse

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.page_cache]


@pytest.fixture(scope="module")
def varnish(live_server):
    try:
        started = Varnish(backend_port=urlsplit(live_server.url).port).start()
    except ToolMissing as missing:
        pytest.skip(str(missing))
    yield started
    started.stop()


@pytest.fixture(autouse=True)
def _purging(varnish, settings):
    settings.EDGE_CACHE_BACKEND = "varnish"
    settings.EDGE_CACHE_PURGE_URLS = [varnish.url]
    settings.PAGE_CACHE_SHARED_MAX_AGE = 3600
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    yield
    request(varnish, "/", method="PURGE", headers={"xkey-purge": "catalogue"})  # each test starts with it empty


def request(varnish, path, *, method="GET", headers=None, form=None):
    connection = http.client.HTTPConnection("127.0.0.1", varnish.port, timeout=10)
    body = urlencode(form) if form is not None else None
    headers = (headers or {}) | ({"Content-Type": "application/x-www-form-urlencoded"} if form else {})
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read().decode()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, content


def get(varnish, path, **headers):
    return request(varnish, path, headers={k.replace("_", "-"): v for k, v in headers.items()})


def test_an_anonymous_page_is_served_by_varnish_from_the_second_request(varnish):
    article = ArticleFactory()

    status, first, _ = get(varnish, article.get_absolute_url())
    _, second, page = get(varnish, article.get_absolute_url())

    assert status == 200 and (first["x-cache"], second["x-cache"]) == ("miss", "hit")
    assert article.title in page and int(second["age"]) >= 0 and len(second["x-varnish"].split()) == 2
    assert "xkey" not in second, "the keys are Varnish's business, not the browser's"


@pytest.mark.parametrize("path", ["/", "/feeds/rss/", "/sitemap.xml"], ids=["home", "feed", "sitemap"])
def test_lists_feeds_and_sitemaps_are_served_by_varnish_too(varnish, path):
    ArticleFactory()

    answers = [request(varnish, path, method=method)[:2] for method in ("GET", "GET", "HEAD")]

    assert [(status, headers["x-cache"]) for status, headers in answers] == [(200, "miss"), (200, "hit"), (200, "hit")]


@pytest.mark.parametrize(
    "path", ["/search/?q=score", "/admin/login/", "/healthz"], ids=["search", "admin", "health check"]
)
def test_search_the_admin_and_the_health_check_are_passed_to_the_app(varnish, path):
    ArticleFactory(title="A score")
    statuses = [get(varnish, path)[1]["x-cache"] for _ in range(2)]

    assert statuses == ["pass", "pass"]


def browser_of(user) -> str:
    """The Cookie header of a browser that signed in as ``user``: its session, and the hints it was given."""
    client = Client()
    client.force_login(user)
    cookies = {"sessionid": client.cookies["sessionid"].value} | hint_cookies(user)
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


@pytest.mark.parametrize("staff", [False, True], ids=["reader", "staff"])
def test_a_signed_in_reader_shares_the_copy_varnish_keeps_and_fetches_their_own_values(varnish, staff):
    article = ArticleFactory()
    gzip_get(varnish, article.get_absolute_url())
    cookie = browser_of(UserFactory(first_name="Ada", last_name="Lark", email="ada@example.com", is_staff=staff))

    response, page = gzip_get(varnish, article.get_absolute_url(), cookie)
    _, headers, values = get(varnish, "/comments/form/", Cookie=cookie)

    assert (response.getheader("X-Cache"), response.getheader("Content-Encoding")) == ("hit", "gzip")
    assert "ada@example.com" not in page and form_token_of(page) == ""
    assert "<li data-staff-links>" not in page.split("<template")[0], "staff's link comes by script"
    assert headers["x-cache"] == "pass" and "no-store" in headers["cache-control"]
    assert json.loads(values)["author_email"] == "ada@example.com" and json.loads(values)["csrfmiddlewaretoken"]


def test_a_draft_staff_may_preview_comes_from_the_app_through_varnish_and_is_kept_for_nobody(varnish):
    draft = ArticleFactory(status=Article.Status.DRAFT, title="Not out yet")
    cookie = browser_of(UserFactory(is_staff=True, is_superuser=True))

    status, headers, page = get(varnish, draft.get_absolute_url(), Cookie=cookie)

    assert status == 200 and "Not out yet" in page and "private" in headers["cache-control"]
    assert get(varnish, draft.get_absolute_url())[0] == 404


def test_a_page_varnish_passes_is_assembled_and_compressed_by_the_app_not_by_varnish(varnish):
    """A reader with comments of their own: their page is theirs (their comment waiting), from the app."""
    article = ArticleFactory()
    gzip_get(varnish, article.get_absolute_url())
    counted = ("MAIN.n_gzip", "MAIN.esi_req")
    before = varnish.counters(*counted)
    own = CommentFactory(article=article, status=Comment.Status.PENDING, body="Mine, waiting")

    response, page = gzip_get(varnish, article.get_absolute_url(), f"own_comments={own_comments_cookie([own.pk])}")

    assert varnish.counters(*counted) == before  # nothing compressed, nothing included by Varnish
    assert (response.getheader("X-Cache"), response.getheader("Content-Encoding")) == ("pass", "gzip")
    assert "private" in response.getheader("Cache-Control") and "Mine, waiting" in page
    assert signing.loads(form_token_of(page), salt=FORM_TOKEN_SALT)


def test_a_comment_is_posted_through_varnish_and_shows_on_the_next_view(varnish, settings):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    article = ArticleFactory()
    known_commenter(article)
    _, _, page = get(varnish, article.get_absolute_url())

    form = form_as_its_script_sends_it(varnish, page) | POSTER | {"body": "Heard through the cache"}
    status, headers, _ = request(varnish, post_url(article), method="POST", form=form)

    assert status == 302 and headers["x-cache"] == "pass"
    _, headers, page = get(varnish, article.get_absolute_url())
    assert headers["x-cache"] == "miss" and "Heard through the cache" in page
    assert Comment.objects.get(body="Heard through the cache").status == Comment.Status.APPROVED


def test_a_reader_who_posted_gets_their_waiting_comment_through_varnish_and_nobody_else_does(varnish, settings):
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    article = ArticleFactory()
    _, _, page = get(varnish, article.get_absolute_url())
    get(varnish, article.get_absolute_url())  # kept by Varnish
    form = form_as_its_script_sends_it(varnish, page) | POSTER | {"body": "Waiting, seen by its writer"}

    connection = http.client.HTTPConnection("127.0.0.1", varnish.port, timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", post_url(article), body=urlencode(form), headers=headers)
    cookies = SimpleCookie("\n".join(connection.getresponse().headers.get_all("Set-Cookie")))
    connection.close()

    assert Comment.objects.get(body="Waiting, seen by its writer").status == Comment.Status.PENDING
    own = f"own_comments={cookies['own_comments'].value}"
    _, headers, page = get(varnish, article.get_absolute_url(), Cookie=own)
    assert headers["x-cache"] == "pass" and "Waiting, seen by its writer" in page
    _, headers, page = get(varnish, article.get_absolute_url())
    assert headers["x-cache"] == "hit" and "Waiting, seen by its writer" not in page


def test_a_comment_approved_by_a_moderator_shows_on_the_next_view_through_varnish(varnish, admin_user):
    article, other = ArticleFactory(), ArticleFactory()
    pending = CommentFactory(article=article, status=Comment.Status.PENDING, body="Waiting for a moderator")
    for page in (article, other, article, other):
        get(varnish, page.get_absolute_url())

    services.moderate(Comment.objects.filter(pk=pending.pk), to_status=Comment.Status.APPROVED, actor=admin_user)

    _, headers, page = get(varnish, article.get_absolute_url())
    assert headers["x-cache"] == "miss" and "Waiting for a moderator" in page
    assert get(varnish, other.get_absolute_url())[1]["x-cache"] == "hit", "another article's page stays cached"


@pytest.mark.parametrize("what", ["work", "tag"])
def test_an_editors_change_purges_the_pages_that_show_it_and_no_other(varnish, what):
    # Nothing in common, not even a word: else each would be "more like this" on the other's page, showing its work.
    article = ArticleFactory(title="Strings under ice", standfirst="Cold cellos.")
    other = ArticleFactory(title="Brass fanfares", standfirst="Loud horns.")
    article.tags.add("Strings")
    other.tags.add("Brass")
    for path in (article.get_absolute_url(), other.get_absolute_url(), "/"):
        get(varnish, path)

    if what == "work":
        article.work.title = "A new title for the work"
        article.work.save()
    else:
        tag = Tag.objects.get(name="Strings")
        tag.name = "A new name for the tag"
        tag.save()

    _, headers, page = get(varnish, article.get_absolute_url())
    assert (
        headers["x-cache"] == "miss"
        and f"A new {'title for the work' if what == 'work' else 'name for the tag'}" in page
    )
    assert get(varnish, "/")[1]["x-cache"] == "miss", "the home page lists the article, with its work and tags"
    assert get(varnish, other.get_absolute_url())[1]["x-cache"] == "hit"


def form_token_of(page: str) -> str:
    return comment_form_data(parse(page))["form_token"]


def form_as_its_script_sends_it(varnish, page: str) -> dict[str, str]:
    """The comment form of a page from Varnish, with the values its script (static/js/comment-form.js) fetches."""
    _, _, values = get(varnish, comment_form(parse(page)).attrs["data-values-url"])
    return comment_form_data(parse(page)) | json.loads(values)


def test_a_page_kept_by_varnish_is_the_same_for_every_view_and_its_form_fetches_a_fresh_token(varnish):
    article = ArticleFactory()
    get(varnish, article.get_absolute_url())
    before = varnish.counters("MAIN.esi_req", "MAIN.backend_req")

    views = [get(varnish, article.get_absolute_url()) for _ in range(2)]

    assert [headers["x-cache"] for _, headers, _ in views] == ["hit", "hit"]
    assert varnish.counters("MAIN.esi_req", "MAIN.backend_req") == before  # nothing assembled, nothing asked
    assert views[0][2] == views[1][2] and form_token_of(views[0][2]) == ""
    tokens = [form_as_its_script_sends_it(varnish, page)["form_token"] for _, _, page in views]
    assert tokens[0] != tokens[1], "never kept by Varnish: each reader's own"
    assert all(abs(time.time() - signing.loads(token, salt=FORM_TOKEN_SALT)["t"]) < 5 for token in tokens)


def test_a_form_posted_without_its_script_is_answered_with_the_form_and_posts_the_second_time(varnish):
    article = ArticleFactory()
    _, _, page = get(varnish, article.get_absolute_url())

    form = comment_form_data(parse(page)) | POSTER
    status, _, answer = request(varnish, post_url(article), method="POST", form=form)

    assert status == 400 and "this page’s script did not run" in answer
    assert not Comment.objects.filter(body=POSTER["body"]).exists()
    again = comment_form_data(parse(answer))
    assert again["body"] == POSTER["body"] and again["author_email"] == POSTER["author_email"]
    assert request(varnish, post_url(article), method="POST", form=again)[0] == 302
    assert Comment.objects.filter(body=POSTER["body"]).exists()


def test_a_post_sent_the_moment_the_script_fetched_its_token_is_asked_again(varnish):
    article = ArticleFactory()
    _, _, page = get(varnish, article.get_absolute_url())

    form = form_as_its_script_sends_it(varnish, page) | POSTER
    status, _, answer = request(varnish, post_url(article), method="POST", form=form)

    assert status == 400 and "That was quick" in answer
    assert not Comment.objects.filter(body=POSTER["body"]).exists()


def test_browsers_revalidate_and_get_304_from_varnish(varnish):
    article = ArticleFactory()
    get(varnish, article.get_absolute_url())
    _, headers, _ = get(varnish, article.get_absolute_url())

    status, again, body = get(varnish, article.get_absolute_url(), If_None_Match=headers["etag"])

    assert "max-age=0" in headers["cache-control"] and "s-maxage=" in headers["cache-control"]
    assert status == 304 and again["x-cache"] == "hit" and body == ""


def gzip_get(varnish, path, cookie: str = "") -> tuple[http.client.HTTPResponse, str]:
    connection = http.client.HTTPConnection("127.0.0.1", varnish.port, timeout=10)
    connection.request("GET", path, headers={"Accept-Encoding": "gzip"} | ({"Cookie": cookie} if cookie else {}))
    response = connection.getresponse()
    page = gzip.decompress(response.read()).decode()
    connection.close()
    return response, page


def test_a_browser_that_takes_gzip_gets_the_copy_kept_compressed_as_it_is(varnish):
    article = ArticleFactory()
    first, _ = gzip_get(varnish, article.get_absolute_url())  # the app's gzip copy, kept as it came
    before = varnish.counters("MAIN.n_gzip", "MAIN.n_gunzip", "MAIN.esi_req")

    response, page = gzip_get(varnish, article.get_absolute_url())

    assert (first.getheader("X-Cache"), response.getheader("X-Cache")) == ("miss", "hit")
    assert response.getheader("Content-Encoding") == "gzip"
    assert article.title in page and "<esi:" not in page and form_token_of(page) == ""
    assert varnish.counters("MAIN.n_gzip", "MAIN.n_gunzip", "MAIN.esi_req") == before


def test_a_client_without_gzip_gets_a_plain_copy_of_its_own_that_no_hit_unpacks(varnish):
    article = ArticleFactory()
    gzip_get(varnish, article.get_absolute_url())
    _, first, _ = get(varnish, article.get_absolute_url())
    before = varnish.counters("MAIN.n_gunzip")

    _, headers, plain = get(varnish, article.get_absolute_url())

    assert (first["x-cache"], headers["x-cache"]) == ("miss", "hit")  # its own copy, fetched plain
    assert "content-encoding" not in headers and article.title in plain and form_token_of(plain) == ""
    assert varnish.counters("MAIN.n_gunzip") == before


def test_a_purge_takes_both_copies(varnish):
    article = ArticleFactory(title="Before")
    for _ in range(2):
        gzip_get(varnish, article.get_absolute_url())
        get(varnish, article.get_absolute_url())

    article.title = "After the edit"
    article.save()  # the purge runs on commit

    assert "After the edit" in gzip_get(varnish, article.get_absolute_url())[1]
    assert "After the edit" in get(varnish, article.get_absolute_url())[2]

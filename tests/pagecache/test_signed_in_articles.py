"""A signed-in reader's article page comes from the shared cache: the comment form's CSRF token, name and email are
reader slots filled from hint cookies set on signing in. A reader with comments of their own on it, or with a
session the hints do not describe, still gets the page rendered for them alone."""

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from comments.models import Comment
from pagecache.lookup import page_key
from soundtrack_site.reader_slots import ACCOUNT_COOKIE, STAFF_COOKIE
from tests.utils.discussion import POSTER, comment_form, comment_form_data, field_value, post_url, remember_as_own
from tests.utils.factories import ArticleFactory, CommentFactory, UserFactory
from tests.utils.html import parse

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

PASSWORD = "correct horse battery staple"  # UserFactory's
CSRF_INPUT = 'name="csrfmiddlewaretoken"'
GZIP_ACCEPTED = {"Accept-Encoding": "gzip"}
# Differ on every view: the comment form's token, and the signed-in reader's CSRF token (masked afresh each time).
PER_VIEW = re.compile(rb'name="(form_token|csrfmiddlewaretoken)" value="[^"]*"')
TRAILER = 8  # gzip's last bytes: the CRC-32 and the length of the text


@pytest.fixture
def article(clock):
    return ArticleFactory()


def signed_in(**user_fields) -> Client:
    """A browser that signed in through the admin's sign-in page, its CSRF token checked as a real one's is."""
    browser = Client(enforce_csrf_checks=True)
    user = UserFactory(is_staff=True, **user_fields)
    login = parse(browser.get(reverse("admin:login")))
    token = login.find("input", name="csrfmiddlewaretoken").attrs["value"]
    response = browser.post(
        reverse("admin:login"),
        {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/admin/"},
    )
    assert response.status_code == 302, "signed in"
    return browser


@pytest.fixture
def editor(clock):
    return signed_in(first_name="Ada", last_name="Byron", email="ada@example.com")


def test_a_signed_in_readers_article_comes_from_the_cache_with_their_own_form(article, editor):
    cached = Client().get(article.get_absolute_url())
    assert cached["X-Page-Cache"] == "miss" and CSRF_INPUT not in cached.content.decode()

    response = editor.get(article.get_absolute_url())

    assert response["X-Page-Cache"] == "hit"
    assert response["Cache-Control"] == "private, no-cache"
    form = comment_form(parse(response))
    assert (field_value(form, "author_name"), field_value(form, "author_email")) == ("Ada Byron", "ada@example.com")
    assert field_value(form, "csrfmiddlewaretoken")
    anonymous_form = comment_form(parse(Client().get(article.get_absolute_url())))
    assert (field_value(anonymous_form, "author_name"), field_value(anonymous_form, "author_email")) == ("", "")


def test_the_token_in_a_shared_page_lets_the_signed_in_reader_post(article, editor, clock):
    Client().get(article.get_absolute_url())
    page = editor.get(article.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    data = comment_form_data(parse(page)) | {"body": POSTER["body"]}
    data["csrfmiddlewaretoken"] = field_value(comment_form(parse(page)), "csrfmiddlewaretoken")
    clock.shift(5)

    response = editor.post(post_url(article), data)

    assert response.status_code == 302
    comment = Comment.objects.get(article=article)
    assert (comment.user.email, comment.author_name) == ("ada@example.com", "Ada Byron")


def test_a_signed_in_readers_post_of_the_anonymous_form_posts_nothing_and_comes_back_theirs(article, editor, clock):
    """The form of the copy the edge keeps for every reader, sent without its script: no CSRF token, no form token,
    no name or email. Nothing is posted in their name; the form comes back for them, to post again."""
    data = comment_form_data(parse(Client().get(article.get_absolute_url()))) | {"body": POSTER["body"]}
    data |= {"form_token": "", "author_name": "", "author_email": ""}
    clock.shift(5)

    response = editor.post(post_url(article), data)

    assert response.status_code == 400 and not Comment.objects.exists()
    again = comment_form_data(parse(response))
    assert again["body"] == POSTER["body"] and again["csrfmiddlewaretoken"] and again["form_token"]
    assert again["author_email"] == User.objects.get(is_staff=True).email
    assert editor.post(post_url(article), again).status_code == 302
    assert Comment.objects.get().body == POSTER["body"]


def test_a_signed_in_readers_post_with_a_wrong_csrf_token_is_still_refused(article, editor, clock):
    page = parse(editor.get(article.get_absolute_url()))
    data = comment_form_data(page) | {"body": POSTER["body"], "csrfmiddlewaretoken": "forged" * 8}
    clock.shift(5)

    assert editor.post(post_url(article), data).status_code == 403
    assert not Comment.objects.exists()


def test_a_reader_who_posted_gets_the_page_rendered_with_their_comment(article, editor, clock):
    Client().get(article.get_absolute_url())
    page = parse(editor.get(article.get_absolute_url()))
    data = comment_form_data(page) | {"body": "Held for a moderator, shown to me alone."}
    data["csrfmiddlewaretoken"] = field_value(comment_form(page), "csrfmiddlewaretoken")
    clock.shift(5)
    posted = editor.post(post_url(article), data)
    assert posted.cookies[settings.COMMENTS_OWN_COOKIE_NAME].value
    Comment.objects.update(status=Comment.Status.PENDING)
    editor.get(article.get_absolute_url())  # the thanks, with the messages cookie

    response = editor.get(article.get_absolute_url())

    assert "X-Page-Cache" not in response
    assert "Held for a moderator, shown to me alone." in response.content.decode()
    assert "Held for a moderator" not in Client().get(article.get_absolute_url()).content.decode()


def test_a_session_the_hints_do_not_describe_gets_its_own_page(article):
    """Signed in before the hints existed (or by a test's shortcut): the page is rendered for them, as before."""
    Client().get(article.get_absolute_url())
    reader = Client()
    reader.force_login(UserFactory(first_name="Ana", last_name=""))

    response = reader.get(article.get_absolute_url())

    assert "X-Page-Cache" not in response
    assert field_value(comment_form(parse(response)), "author_name") == "Ana"
    assert CSRF_INPUT in response.content.decode()


def test_a_forged_account_hint_fills_nothing_and_gets_its_own_page(article, editor):
    Client().get(article.get_absolute_url())
    editor.cookies[ACCOUNT_COOKIE] = signing.dumps({"name": "Mallory", "email": "m@example.com"}, salt="other")

    response = editor.get(article.get_absolute_url())

    assert "X-Page-Cache" not in response
    assert "Mallory" not in response.content.decode()
    assert field_value(comment_form(parse(response)), "author_name") == "Ada Byron"  # from the account itself


def test_a_signed_in_reader_without_a_csrf_cookie_gets_one_with_their_own_page(article, editor):
    Client().get(article.get_absolute_url())
    del editor.cookies["csrftoken"]

    response = editor.get(article.get_absolute_url())

    assert "X-Page-Cache" not in response
    assert response.cookies["csrftoken"].value
    assert editor.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_the_hints_are_set_on_signing_in_and_deleted_on_signing_out(editor, settings):
    for name, httponly in ((STAFF_COOKIE, ""), (ACCOUNT_COOKIE, True)):  # staff's: read by static/js/staff-links.js
        hint = editor.cookies[name]
        assert (hint["max-age"], hint["httponly"], hint["samesite"]) == (settings.SESSION_COOKIE_AGE, httponly, "Lax")
    remember_as_own(editor, CommentFactory())
    token = parse(editor.get(reverse("admin:index"))).find("input", name="csrfmiddlewaretoken").attrs["value"]

    signed_out = editor.post(reverse("admin:logout"), {"csrfmiddlewaretoken": token})

    assert {
        signed_out.cookies[name].value for name in (STAFF_COOKIE, ACCOUNT_COOKIE, settings.COMMENTS_OWN_COOKIE_NAME)
    } == {""}


def test_a_signed_in_readers_article_from_the_cache_reads_no_row(article, editor, django_assert_num_queries):
    CommentFactory(article=article)
    Client().get(article.get_absolute_url())
    editor.get(article.get_absolute_url())

    with django_assert_num_queries(0):
        assert editor.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_draft_is_still_previewed_by_an_editor_and_never_cached(clock):
    draft = ArticleFactory(status="draft")

    response = signed_in(is_superuser=True).get(draft.get_absolute_url())

    assert response.status_code == 200 and "Preview." in response.content.decode()
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_a_page_first_rendered_for_a_signed_in_reader_is_kept_without_their_values(article, editor):
    mine = editor.get(article.get_absolute_url())
    assert mine["X-Page-Cache"] == "miss" and "ada@example.com" in mine.content.decode()

    theirs = Client().get(article.get_absolute_url())

    assert theirs["X-Page-Cache"] == "hit"
    assert "ada@example.com" not in theirs.content.decode() and "Ada Byron" not in theirs.content.decode()
    assert CSRF_INPUT not in theirs.content.decode()


def test_a_signed_in_readers_article_is_sent_compressed_from_pieces_compressed_when_it_was_kept(article, editor):
    """Not the whole page compressed again on every view: the pieces kept with the page, with the reader's own
    values compressed alone between them."""
    CommentFactory(article=article)
    Client().get(article.get_absolute_url())
    kept = cache.get(page_key(RequestFactory().get(article.get_absolute_url()), ""))

    response = editor.get(article.get_absolute_url(), headers=GZIP_ACCEPTED)

    assert (response["X-Page-Cache"], response["Content-Encoding"]) == ("hit", "gzip")
    assert int(response["Content-Length"]) == len(response.content)
    assert response.content.startswith(kept.compressed[0])
    assert response.content[:-TRAILER].endswith(kept.compressed[-1])
    page = gzip.decompress(response.content)  # checks the trailer's CRC and length too
    assert PER_VIEW.sub(b"", page) == PER_VIEW.sub(b"", editor.get(article.get_absolute_url()).content)
    form = comment_form(parse(page.decode()))
    assert (field_value(form, "author_name"), field_value(form, "author_email")) == ("Ada Byron", "ada@example.com")
    assert field_value(form, "csrfmiddlewaretoken")


def test_a_signed_in_readers_compressed_page_has_a_validator_of_its_own(article, editor):
    """A page whose reader slots hold no token that changes on every view (a tag page: the staff's links) is
    revalidated with a 304, each representation by its own validator."""
    article.tags.add("Leitmotif")
    url = reverse("articles:tag", args=["leitmotif"])
    anonymous = Client().get(url, headers=GZIP_ACCEPTED)
    plain = editor.get(url)
    compressed = editor.get(url, headers=GZIP_ACCEPTED)

    assert (compressed["X-Page-Cache"], compressed["Content-Encoding"]) == ("hit", "gzip")
    assert len({anonymous["ETag"], plain["ETag"], compressed["ETag"]}) == 3
    assert editor.get(url, headers=GZIP_ACCEPTED | {"If-None-Match": compressed["ETag"]}).status_code == 304
    assert editor.get(url, headers={"If-None-Match": compressed["ETag"]}).status_code == 200

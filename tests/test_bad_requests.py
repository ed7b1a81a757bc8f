"""Bad requests to every public endpoint: a clear page of the site's own with a 4xx status, never a 500, and
nothing written to the database. Run it on PostgreSQL too: that is where a NUL byte in a text column breaks."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode
from taggit.models import Tag

from articles.indexing import refresh_search_vectors
from articles.models import Article
from comments.forms import FORM_TOKEN_SALT
from comments.models import Comment, CommentReport
from tests.utils.factories import (
    ArticleFactory,
    CommentFactory,
    ComposerFactory,
    FeaturedTrackFactory,
    UserFactory,
    WorkFactory,
)
from tests.utils.html import parse

pytestmark = pytest.mark.django_db

POSTER = {"author_name": "Mara Lindqvist", "author_email": "mara@example.com", "body": "The *cello* in act two!"}
TOKEN_REFUSED = "This form could not be verified (it may have been changed). Please post it again."
TOKEN_MISSING = (
    "Your comment is not posted yet: this page’s script did not run, so we could not yet tell you from a robot. "
    "Everything you wrote is kept below: press “Post comment” again to send it."
)
PARENT_GONE = "The comment you are replying to is not available."
NUL_REFUSED = "Null characters are not allowed."
# Page numbers and ids no one should send: past any page, negative, not numbers, or more digits than int() takes.
BAD_NUMBERS = ["99999999999999999999", "-1", "0", "abc", "1e9", "1.5", "²", "\x00", "9" * 5000, ""]
INVALID_UTF8 = "%FF%FE%C3%28"  # two bytes that never occur in UTF-8, then a broken two-byte sequence
LONE_SURROGATE = "%ED%A0%80"  # U+D800 as (invalid) UTF-8


@pytest.fixture
def article(clock) -> Article:
    article = ArticleFactory(title="Arrival", work=WorkFactory(title="Arrival"))
    FeaturedTrackFactory(article=article)
    article.tags.add("strings")
    article.composers.add(ComposerFactory(name="Jóhann Jóhannsson"))
    return article


def assert_site_page(response, status: int) -> None:
    """The response has the status and is one of the site's own pages (header, search, footer), not a bare one."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("text/html")
    page = parse(response)
    assert page.find("a", class_="site-name").text == settings.SITE_NAME
    assert page.find("footer", class_="site-footer")


def message_of(response) -> str:
    return parse(response).find("main").text


def post_url(article: Article) -> str:
    return reverse("comments:post", kwargs={"slug": article.slug})


def fresh_form(client, article: Article, query: str = "") -> dict[str, str]:
    """What the comment form on the article page posts, filled in by a reader who took a few seconds."""
    page = parse(client.get(article.get_absolute_url() + query))
    form = page.find("section", id="comment-form").find("form")
    data = {node.attrs["name"]: node.attrs.get("value") or "" for node in form.find_all("input")}
    data.pop("csrfmiddlewaretoken", None)
    return data | POSTER


def wait(clock) -> None:
    clock.shift(5)  # a person takes a few seconds to write; only robots post at once


def form_value(response, name: str) -> str:
    """What the re-rendered comment form holds in a field, as the browser would send it."""
    form = parse(response).find("section", id="comment-form").find("form")
    (control,) = [node for node in form.descendants() if node.attrs.get("name") == name]
    if control.tag == "textarea":
        return "".join(control.strings()).removeprefix("\n")
    return control.attrs.get("value") or ""


def form_alert(response) -> str:
    return parse(response).find("section", id="comment-form").find("div", class_="form-errors").text


def field_errors(response, name: str) -> list[str]:
    return [item.text for item in parse(response).find("ul", id=f"id_{name}_error").find_all("li")]


def urlencoded(client, url: str, body: bytes, **extra):
    return client.post(url, body, content_type="application/x-www-form-urlencoded", **extra)


class TestCommentPost:
    @pytest.mark.parametrize("field", ["author_name", "author_email", "body"])
    def test_a_nul_byte_in_a_field_is_refused_with_the_form_and_the_rest_of_the_text_kept(
        self, client, clock, article, field
    ):
        data = fresh_form(client, article)
        data[field] = f"before\x00after{'@example.com' if field == 'author_email' else ''}"
        wait(clock)

        response = client.post(post_url(article), data)

        assert_site_page(response, 400)
        assert NUL_REFUSED in field_errors(response, field)
        for name in set(POSTER) - {field}:
            assert form_value(response, name) == data[name]
        assert not Comment.objects.exists()

    @pytest.mark.parametrize("field", ["website", "favourite_track"])
    def test_a_nul_byte_in_an_optional_field_is_refused_and_the_comment_kept(self, client, clock, article, field):
        data = fresh_form(client, article) | {field: "\x00"}
        wait(clock)

        response = client.post(post_url(article), data)

        assert_site_page(response, 400)
        assert form_value(response, "body") == POSTER["body"]
        assert not Comment.objects.exists()

    @pytest.mark.parametrize("form_token", ["\x00", "not-a-token", "a:b:c", "é" * 300])
    def test_a_broken_form_token_is_refused_and_the_form_comes_back_ready_to_post_again(
        self, client, clock, article, form_token
    ):
        data = fresh_form(client, article) | {"form_token": form_token}
        wait(clock)

        response = client.post(post_url(article), data)

        assert_site_page(response, 400)
        assert form_alert(response) == TOKEN_REFUSED
        assert form_value(response, "body") == POSTER["body"]
        again = {name: form_value(response, name) for name in data}
        assert signing.loads(again["form_token"], salt=FORM_TOKEN_SALT)
        wait(clock)
        assert client.post(post_url(article), again).status_code == 302
        assert Comment.objects.get().body == POSTER["body"]

    @pytest.mark.parametrize("missing", ["empty", "left out"])
    def test_a_form_without_a_token_is_answered_with_the_form_kept_and_posts_the_second_time(
        self, client, clock, article, missing
    ):
        """A page kept by the edge has no token in its form; without the form's script, the reader posts it so."""
        data = fresh_form(client, article) | {"form_token": ""}
        if missing == "left out":
            del data["form_token"]

        response = client.post(post_url(article), data)

        assert_site_page(response, 400)
        assert form_alert(response) == TOKEN_MISSING
        assert form_value(response, "body") == POSTER["body"] and not Comment.objects.exists()
        again = {name: form_value(response, name) for name in [*data, "form_token"]}
        assert client.post(post_url(article), again).status_code == 302  # at once: the reader took their time
        assert Comment.objects.get().body == POSTER["body"]

    @pytest.mark.parametrize(
        "content",
        [{"t": "abc", "id": "x"}, {"t": None, "id": "x"}, {"id": "x"}, [1, 2], {"t": 1e308, "id": "x"}, "t"],
        ids=["text-time", "no-time", "missing-time", "a-list", "far-future", "a-string"],
    )
    def test_a_form_token_signed_with_content_the_site_never_issues_is_refused(self, client, clock, article, content):
        data = fresh_form(client, article) | {"form_token": signing.dumps(content, salt=FORM_TOKEN_SALT)}
        wait(clock)

        response = client.post(post_url(article), data)

        assert_site_page(response, 400)
        assert form_alert(response) == TOKEN_REFUSED
        assert not Comment.objects.exists()

    def test_a_form_token_signed_for_something_else_is_refused(self, client, clock, article):
        data = fresh_form(client, article)
        data["form_token"] = signing.dumps(
            signing.loads(data["form_token"], salt=FORM_TOKEN_SALT), salt="another.purpose"
        )
        wait(clock)

        response = client.post(post_url(article), data)

        assert_site_page(response, 400)
        assert form_alert(response) == TOKEN_REFUSED
        assert not Comment.objects.exists()

    def test_an_expired_form_is_refused_with_a_clear_error_and_posts_on_the_second_try(self, client, clock, article):
        data = fresh_form(client, article)
        clock.shift(timedelta(seconds=settings.COMMENTS_MAX_FORM_AGE_SECONDS, minutes=1))

        response = client.post(post_url(article), data)

        assert_site_page(response, 400)
        assert form_alert(response) == (
            "This form was opened too long ago to be posted. Your text is kept below: please post it again."
        )
        again = {name: form_value(response, name) for name in data}
        assert {name: again[name] for name in POSTER} == POSTER
        assert not Comment.objects.exists()
        wait(clock)
        assert client.post(post_url(article), again).status_code == 302
        assert Comment.objects.get().status != Comment.Status.SPAM

    def test_the_same_form_posted_twice_makes_one_comment_and_both_answers_lead_to_it(self, client, clock, article):
        data = fresh_form(client, article)
        wait(clock)

        first = client.post(post_url(article), data)
        second = client.post(post_url(article), data)

        comment = Comment.objects.get()
        assert first.status_code == second.status_code == 302
        assert first["Location"] == second["Location"] == f"{article.get_absolute_url()}#{comment.anchor}"

    def test_a_replayed_form_from_another_browser_makes_no_second_comment(self, client, clock, article):
        data = fresh_form(client, article)
        wait(clock)
        client.post(post_url(article), data)

        assert Client().post(post_url(article), data).status_code == 302
        assert Comment.objects.count() == 1

    def test_a_body_over_the_limit_is_refused_with_the_text_kept(self, client, clock, article):
        body = "la-" * 2000
        data = fresh_form(client, article) | {"body": body}
        wait(clock)

        response = client.post(post_url(article), data)

        assert_site_page(response, 400)
        assert field_errors(response, "body") == ["Ensure this value has at most 5000 characters (it has 6000)."]
        assert form_value(response, "body") == body
        assert not Comment.objects.exists()

    def test_a_name_over_the_limit_is_refused_with_the_text_kept(self, client, clock, article):
        data = fresh_form(client, article) | {"author_name": "M" * 81}
        wait(clock)

        response = client.post(post_url(article), data)

        assert_site_page(response, 400)
        assert field_errors(response, "author_name") == ["Ensure this value has at most 80 characters (it has 81)."]
        assert form_value(response, "body") == POSTER["body"]
        assert not Comment.objects.exists()

    def test_invalid_utf8_in_the_body_is_read_as_replacement_characters(self, client, clock, article):
        data = fresh_form(client, article)
        wait(clock)
        body = urlencode({**data, "body": "Bad bytes: "}) + INVALID_UTF8 + LONE_SURROGATE

        response = urlencoded(client, post_url(article), body.encode())

        assert response.status_code == 302
        assert Comment.objects.get().body == "Bad bytes: \ufffd\ufffd\ufffd(\ufffd\ufffd\ufffd"

    def test_raw_invalid_utf8_in_every_field_never_fails(self, client, clock, article):
        wait(clock)
        body = b"&".join(name.encode() + b"=\xff\xfe\x00\xed\xa0\x80" for name in [*fresh_form(client, article)])

        response = urlencoded(client, post_url(article), body)

        assert_site_page(response, 400)
        assert not Comment.objects.exists()

    def test_a_body_larger_than_the_upload_limit_gets_a_413_page(self, client, clock, article):
        data = fresh_form(client, article)
        wait(clock)
        body = urlencode(data) + "&body=" + "a" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE

        response = urlencoded(client, post_url(article), body.encode())

        assert_site_page(response, 413)
        assert "too large" in message_of(response)
        assert not Comment.objects.exists()

    def test_a_multipart_body_larger_than_the_upload_limit_gets_a_413_page(self, client, clock, article):
        data = fresh_form(client, article) | {"body": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
        wait(clock)

        response = client.post(post_url(article), data)

        assert_site_page(response, 413)
        assert not Comment.objects.exists()

    def test_too_many_fields_get_a_400_page(self, client, clock, article):
        wait(clock)
        body = "&".join(f"f{n}=x" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

        response = urlencoded(client, post_url(article), body.encode())

        assert_site_page(response, 400)
        assert not Comment.objects.exists()

    def test_unknown_fields_are_ignored(self, client, clock, article):
        data = fresh_form(client, article) | {"status": "approved", "user": "1", "utm_source": "\x00"}
        wait(clock)

        assert client.post(post_url(article) + "?debug=1&x=%00", data).status_code == 302
        comment = Comment.objects.get()
        assert (comment.status, comment.user) == (Comment.Status.PENDING, None)  # a first comment waits

    def test_a_nul_byte_in_the_user_agent_is_dropped(self, client, clock, article):
        data = fresh_form(client, article)
        wait(clock)

        assert client.post(post_url(article), data, headers={"user-agent": "Robot\x00/1.0"}).status_code == 302
        assert Comment.objects.get().user_agent == "Robot/1.0"

    def test_a_post_to_an_unknown_article_is_a_404_page(self, client, clock, article):
        response = client.post(reverse("comments:post", kwargs={"slug": "no-such-article"}), POSTER)

        assert_site_page(response, 404)


class TestReplies:
    @pytest.mark.parametrize("parent", [n for n in BAD_NUMBERS if n not in ("0", "")] + ["other-article"])
    def test_a_reply_to_a_bad_parent_comes_back_ready_to_post_as_a_comment(self, client, clock, article, parent):
        if parent == "other-article":
            parent = str(CommentFactory().pk)
        data = fresh_form(client, article) | {"parent": parent}
        wait(clock)

        response = client.post(post_url(article), data)

        assert_site_page(response, 400)
        assert form_alert(response) == PARENT_GONE
        assert form_value(response, "parent") == ""
        assert form_value(response, "body") == POSTER["body"]
        again = {name: form_value(response, name) for name in data}
        assert client.post(post_url(article), again).status_code == 302
        assert Comment.objects.get(article=article).parent is None

    @pytest.mark.parametrize("reply_to", BAD_NUMBERS)
    def test_the_article_page_ignores_a_bad_reply_to(self, client, article, reply_to):
        CommentFactory(article=article)

        response = client.get(article.get_absolute_url(), {"reply_to": reply_to})

        assert_site_page(response, 200)
        assert parse(response).find("h3", id="comment-form-heading").text == "Share your thoughts"


class TestArticlePageParameters:
    @pytest.mark.parametrize("name", ["comments", "picked", "reply_to", "page"])
    @pytest.mark.parametrize("value", BAD_NUMBERS)
    def test_bad_numbers_show_the_article(self, client, article, name, value):
        assert_site_page(client.get(article.get_absolute_url(), {name: value}), 200)

    def test_unknown_parameters_and_bad_bytes_in_the_query_string_are_ignored(self, client, article):
        for query in ["utm_source=x&fbclid=%00", f"q={INVALID_UTF8}", f"comments={LONE_SURROGATE}", "&&==&"]:
            assert_site_page(client.get(f"{article.get_absolute_url()}?{query}"), 200)

    def test_raw_bytes_in_the_query_string_are_ignored(self, client, article):
        # A WSGI server hands raw bytes over as Latin-1 text; the test client passes QUERY_STRING on as given.
        response = client.get(article.get_absolute_url(), QUERY_STRING="comments=\xff\xfe&reply_to=\xed\xa0\x80")

        assert_site_page(response, 200)

    def test_invalid_utf8_in_the_path_is_a_404_page(self, client, article):
        assert_site_page(client.get("/articles/%FF%FE/"), 404)
        assert_site_page(client.get(f"/articles/{LONE_SURROGATE}/"), 404)


class TestListPages:
    @pytest.fixture
    def list_urls(self, article) -> list[str]:
        return [
            reverse("articles:home"),
            reverse("articles:tag", kwargs={"slug": Tag.objects.get().slug}),
            article.composers.get().get_absolute_url(),
            article.work.get_absolute_url(),
        ]

    @pytest.mark.parametrize("page", ["99999999999999999999", "-1", "0", "abc", "1e9", "1.5", "²", "\x00", "9" * 5000])
    def test_a_page_number_that_is_not_a_page_is_a_404_page(self, client, list_urls, page):
        for url in list_urls:
            assert_site_page(client.get(url, {"page": page}), 404)

    @pytest.mark.parametrize("page", ["", "1", "last"])
    def test_the_first_and_last_page_can_be_asked_for(self, client, list_urls, page):
        for url in list_urls:
            assert_site_page(client.get(url, {"page": page}), 200)

    def test_unknown_parameters_and_bad_bytes_are_ignored(self, client, list_urls):
        for url in list_urls:
            assert_site_page(client.get(f"{url}?utm_source=%00&x={INVALID_UTF8}&y={LONE_SURROGATE}"), 200)


class TestSearch:
    url = reverse("articles:search")

    @pytest.fixture
    def article(self, article):
        refresh_search_vectors([article.pk])  # what its commit would do (nothing to do on SQLite)
        return article

    def test_a_nul_byte_in_the_query_is_refused_with_a_message_and_the_query_kept(self, client, article):
        response = client.get(self.url, {"q": "arrival\x00"})

        assert_site_page(response, 200)
        page = parse(response)
        assert page.find("p", class_="form-errors").text == NUL_REFUSED
        assert page.find("input", id="id_q").attrs["value"] == "arrival\x00"

    def test_a_query_over_the_limit_is_refused_with_a_message(self, client, article):
        response = client.get(self.url, {"q": "a" * 201})

        assert_site_page(response, 200)
        assert parse(response).find("p", class_="form-errors").text == (
            "That search is too long: use at most 200 characters (it has 201)."
        )

    @pytest.mark.parametrize(
        "query", [f"q={INVALID_UTF8}", f"q={LONE_SURROGATE}", "q=%00%00", "q=&q=arrival", "q=" + quote("'\"):*!&|<->")]
    )
    def test_odd_queries_get_the_search_page(self, client, article, query):
        assert_site_page(client.get(f"{self.url}?{query}"), 200)

    def test_raw_bytes_in_the_query_string_get_the_search_page(self, client, article):
        assert_site_page(client.get(self.url, QUERY_STRING="q=\xff\xfe\xed\xa0\x80&page=\xff"), 200)

    @pytest.mark.parametrize("page", BAD_NUMBERS)
    def test_a_bad_page_number_shows_the_first_or_last_page_of_results(self, client, article, page):
        response = client.get(self.url, {"q": "arrival", "page": page, "utm_source": "x"})

        assert_site_page(response, 200)
        assert "Arrival" in parse(response).find("main").text


class TestEditDeleteReport:
    @pytest.fixture
    def own(self, client, clock, article) -> Comment:
        """A comment this browser has just posted (and may still edit)."""
        data = fresh_form(client, article)
        wait(clock)
        client.post(post_url(article), data)
        return Comment.objects.get()

    def edit(self, client, comment, data):
        return client.post(reverse("comments:edit", args=[comment.pk]), data)

    def test_a_nul_byte_in_an_edit_is_refused_with_the_text_kept(self, client, own):
        response = self.edit(client, own, {"body": "Changed\x00 my mind"})

        assert_site_page(response, 400)
        page = parse(response)
        assert page.find("ul", id="id_body_error").text == NUL_REFUSED
        assert "".join(page.find("textarea", id="id_body").strings()).strip() == "Changed\x00 my mind"
        own.refresh_from_db()
        assert own.body == POSTER["body"]

    def test_an_edit_over_the_limit_is_refused_with_the_text_kept(self, client, own):
        response = self.edit(client, own, {"body": "x" * 5001, "favourite_track": "\x00"})

        assert_site_page(response, 400)
        own.refresh_from_db()
        assert own.body == POSTER["body"]

    def test_an_edit_larger_than_the_upload_limit_gets_a_413_page(self, client, own):
        body = b"body=" + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE

        response = urlencoded(client, reverse("comments:edit", args=[own.pk]), body)

        assert_site_page(response, 413)
        own.refresh_from_db()
        assert own.body == POSTER["body"]

    def test_an_edit_in_raw_latin1_is_read_as_latin1(self, client, own):
        # Django reads a form body that is not UTF-8 as Latin-1, what old browsers send.
        response = urlencoded(client, reverse("comments:edit", args=[own.pk]), b"body=Caf\xe9 music&x=\x00")

        assert response.status_code == 302
        own.refresh_from_db()
        assert own.body == "Café music"

    def test_a_delete_with_junk_fields_deletes_once(self, client, own):
        url = reverse("comments:delete", args=[own.pk])

        assert urlencoded(client, url + "?x=%00", b"confirm=\xff\x00").status_code == 302
        assert client.post(url).status_code == 302  # already withdrawn: a message, not an error
        own.refresh_from_db()
        assert own.status == Comment.Status.REJECTED

    @pytest.mark.parametrize("pk", [99999999999999999999, 0])
    def test_edit_and_delete_of_a_comment_that_is_not_yours_are_404_pages(self, client, own, pk):
        for name in ("comments:edit", "comments:delete"):
            assert_site_page(client.post(reverse(name, args=[pk]), {"body": "x"}), 404)

    @pytest.mark.parametrize(
        "data", [{"reason": "\x00"}, {"reason": "spam", "note": "\x00"}, {"reason": "spam", "note": "n" * 501}, {}]
    )
    def test_a_bad_report_is_refused_with_the_report_form(self, client, article, data):
        comment = CommentFactory(article=article)

        response = client.post(reverse("comments:report", args=[comment.pk]), data)

        assert_site_page(response, 400)
        assert parse(response).find("h1").text == "Report a comment"
        assert not CommentReport.objects.exists()

    def test_a_report_in_invalid_utf8_is_read_as_latin1(self, client, article):
        comment = CommentFactory(article=article)

        response = urlencoded(client, reverse("comments:report", args=[comment.pk]), b"reason=spam&note=\xff\xe9t\xe9")

        assert response.status_code == 302
        assert CommentReport.objects.get().note == "ÿété"

    def test_a_report_larger_than_the_upload_limit_gets_a_413_page(self, client, article):
        comment = CommentFactory(article=article)
        body = b"reason=spam&note=" + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE

        assert_site_page(urlencoded(client, reverse("comments:report", args=[comment.pk]), body), 413)
        assert not CommentReport.objects.exists()


class TestCsrfForSignedInUsers:
    """Anonymous posts are guarded by the signed form token; a signed-in user's post needs the CSRF token."""

    @pytest.fixture
    def user(self) -> User:
        return UserFactory(first_name="Mara")

    @pytest.fixture
    def signed_in(self, user) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    @pytest.mark.parametrize("token", ["forged" * 8, "\x00"])
    def test_a_comment_without_a_valid_token_gets_the_sites_403_page(self, signed_in, clock, article, token):
        data = fresh_form(signed_in, article) | {"csrfmiddlewaretoken": token}
        wait(clock)

        response = signed_in.post(post_url(article), data)

        assert_site_page(response, 403)
        assert "could not be confirmed" in message_of(response)
        assert not Comment.objects.exists()

    def test_a_comment_with_no_token_at_all_posts_nothing_and_gets_the_form_back_to_post_again(
        self, signed_in, clock, article
    ):
        """The copy the edge keeps for every reader has no CSRF token; without its script, that is what is sent."""
        data = fresh_form(signed_in, article)  # (its CSRF token left out)
        wait(clock)

        response = signed_in.post(post_url(article), data)

        assert_site_page(response, 400)
        assert form_alert(response) == TOKEN_MISSING and form_value(response, "body") == POSTER["body"]
        assert not Comment.objects.exists()
        again = {name: form_value(response, name) for name in [*data, "csrfmiddlewaretoken"]}
        assert signed_in.post(post_url(article), again).status_code == 302
        assert Comment.objects.get().body == POSTER["body"]

    def test_a_comment_with_the_pages_token_is_posted(self, signed_in, clock, article):
        form = parse(signed_in.get(article.get_absolute_url())).find("section", id="comment-form").find("form")
        data = {node.attrs["name"]: node.attrs.get("value") or "" for node in form.find_all("input")} | POSTER
        wait(clock)

        assert signed_in.post(post_url(article), data).status_code == 302
        assert Comment.objects.count() == 1

    def test_a_report_without_a_token_gets_the_sites_403_page(self, signed_in, article):
        comment = CommentFactory(article=article)

        assert_site_page(signed_in.post(reverse("comments:report", args=[comment.pk]), {"reason": "spam"}), 403)
        assert not CommentReport.objects.exists()

    def test_an_edit_or_delete_without_a_token_gets_the_sites_403_page(self, clock, article):
        browser = Client(enforce_csrf_checks=True)
        data = fresh_form(browser, article)
        wait(clock)
        browser.post(post_url(article), data)
        own = Comment.objects.get()

        assert_site_page(browser.post(reverse("comments:edit", args=[own.pk]), {"body": "Changed"}), 403)
        assert_site_page(browser.post(reverse("comments:delete", args=[own.pk])), 403)
        status = own.status
        own.refresh_from_db()
        assert (own.body, own.status) == (POSTER["body"], status)


class TestAdminLogin:
    url = reverse("admin:login")

    @pytest.fixture(autouse=True)
    def staff(self):
        return UserFactory(username="editor", is_staff=True)

    @pytest.mark.parametrize(
        "data",
        [
            {"username": "editor\x00", "password": "x"},
            {"username": "editor", "password": "\x00"},
            {"username": "\x00", "password": "\x00", "next": "\x00"},
        ],
    )
    def test_nul_bytes_get_the_login_form_back(self, client, data):
        response = client.post(self.url, data)

        assert response.status_code == 200
        assert parse(response).find("form", id="login-form")

    def test_invalid_utf8_gets_the_login_form_back(self, client):
        response = urlencoded(client, self.url, b"username=\xff\xfe&password=\xed\xa0\x80&next=%FF")

        assert response.status_code == 200
        assert parse(response).find("form", id="login-form")

    def test_a_body_larger_than_the_upload_limit_gets_a_413_page(self, client):
        body = b"username=editor&password=" + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE

        assert_site_page(urlencoded(client, self.url, body), 413)

    def test_a_login_without_a_csrf_token_gets_the_sites_403_page(self):
        response = Client(enforce_csrf_checks=True).post(self.url, {"username": "editor", "password": "x"})

        assert_site_page(response, 403)

    def test_odd_query_parameters_show_the_login_form(self, client):
        response = client.get(self.url, {"next": "\x00", "utm_source": "x"}, QUERY_STRING="next=%FF%00")

        assert response.status_code == 200


class TestFeedsAndSitemap:
    @pytest.mark.parametrize("query", ["page=abc", "page=99999999999999999999", "q=%00", f"x={INVALID_UTF8}"])
    def test_feeds_ignore_query_parameters(self, client, article, query):
        for name in ("articles:feed_rss", "articles:feed_atom"):
            response = client.get(f"{reverse(name)}?{query}")
            assert response.status_code == 200
            assert article.title in response.content.decode()

    def test_a_feed_for_an_unknown_tag_is_a_404_page(self, client, article):
        assert_site_page(client.get(reverse("articles:tag_feed_rss", kwargs={"slug": "nothing-here"})), 404)

    @pytest.mark.parametrize("page", ["abc", "99999999999999999999", "-1", "\x00", "9" * 5000])
    def test_a_sitemap_page_that_does_not_exist_is_a_404_page(self, client, article, page):
        assert client.get(reverse("sitemap"), {"p": page}).status_code == 200  # the index has no pages
        for section in ("articles", "tags", "composers", "works"):
            assert_site_page(client.get(reverse("sitemap_section", args=[section]), {"p": page}), 404)

    def test_an_unknown_sitemap_section_is_a_404_page(self, client, article):
        assert_site_page(client.get(reverse("sitemap_section", args=["%00"])), 404)


def test_a_host_the_site_does_not_serve_gets_the_sites_400_page(client):
    assert_site_page(client.get(reverse("articles:home"), headers={"host": "evil.example"}), 400)


SECURITY_HEADERS = ["Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"]


@pytest.mark.page_cache
@pytest.mark.parametrize(
    "path", ["/", "/articles/arrival/", "/feeds/atom/", "/search/?q=x", "/admin/", "/static/x.css"]
)
def test_a_forged_host_gets_a_400_with_the_security_headers_and_one_log_line(client, article, caplog, path):
    """The outside scan's informational finding: the page cache met the forged Host first, outside the middlewares
    that add the security headers, and each one logged a whole traceback."""
    response = client.get(path, headers={"host": "evil.example"})

    assert response.status_code == 400
    assert [header for header in SECURITY_HEADERS if header not in response.headers] == []
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert [(record.name, record.getMessage(), record.exc_info) for record in caplog.records] == [
        (
            "django.security.DisallowedHost",
            "Invalid HTTP_HOST header: 'evil.example'. You may need to add 'evil.example' to ALLOWED_HOSTS.",
            None,
        )
    ]

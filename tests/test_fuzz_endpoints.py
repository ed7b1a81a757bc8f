"""Fuzzing the endpoints that take readers' input: whatever is sent, the answer is a 4xx or a success, never a 500,
and one request writes at most one comment.

Each example is a whole request, so a property gets 50 of them in `make test` and 2,000 in the slow run
(`HYPOTHESIS_PROFILE=slow`, part of `make reliability`). Each example runs in its own transaction (Hypothesis'
Django TestCase), so one bad request cannot break the next.
"""

import os
import time
import uuid
from urllib.parse import quote_from_bytes

from django.core import signing
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from comments.forms import FORM_TOKEN_SALT
from comments.models import Comment
from tests.utils.factories import ArticleFactory, CommentFactory, FeaturedTrackFactory

REQUESTS = settings(max_examples=2_000 if os.environ.get("HYPOTHESIS_PROFILE") == "slow" else 50)
ALLOWED = {200, 302, 400, 403, 404, 413, 429}
FIELDS = ["author_name", "author_email", "body", "favourite_track", "parent", "form_token", "website"]


def form_token(seconds_ago: float) -> str:
    """The token the comment form carries, as if it was shown ``seconds_ago``."""
    return signing.dumps({"t": time.time() - seconds_ago, "id": uuid.uuid4().hex}, salt=FORM_TOKEN_SALT, compress=True)


# Text with the characters that break things most often: NUL, other controls, whitespace, RTL, emoji, combining.
awkward_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from("\x00\x01\t\n\r \u00a0\u200b\u202e\ufeff\ufffdé😀\u0301<>&\"'%+="), max_size=50),
    st.sampled_from(["", " ", "\x00", "0", "-1", "99999999999999999999", "9" * 5000, "²", "1e9", "NaN"]),
)
numbers = st.one_of(st.integers().map(str), awkward_text)
raw_bytes = st.binary(max_size=300)


class Fixture(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = ArticleFactory()
        cls.track = FeaturedTrackFactory(article=cls.article)
        cls.parent = CommentFactory(article=cls.article)
        cls.post_url = reverse("comments:post", kwargs={"slug": cls.article.slug})

    def setUp(self):
        self.browser = Client(raise_request_exception=False)

    def assert_answered(self, response, rows_before: int):
        exc = getattr(response, "exc_info", None)
        assert response.status_code in ALLOWED, (response.status_code, exc)
        assert Comment.objects.count() - rows_before <= 1


@override_settings(COMMENTS_RATE_LIMIT=1_000_000)
class TestCommentPostFuzz(Fixture):
    def comment_fields(self):
        """Each field either what a reader would send or anything at all."""
        valid = {
            "author_name": st.just("Mara"),
            "author_email": st.one_of(st.just("mara@example.com"), st.emails()),
            "body": st.just("The cello in act two!"),
            "favourite_track": st.sampled_from(["", str(self.track.pk)]),
            "parent": st.sampled_from(["", str(self.parent.pk)]),
            "form_token": st.builds(form_token, st.sampled_from([0, 10, 10**6])),
            "website": st.just(""),
        }
        # Every field may also be left out.
        return st.fixed_dictionaries({}, optional={name: strategy | awkward_text for name, strategy in valid.items()})

    @REQUESTS
    @given(data=st.data())
    def test_any_text_in_any_field_of_the_comment_form(self, data):
        fields = data.draw(self.comment_fields())
        extra = data.draw(st.dictionaries(st.text(max_size=10), awkward_text, max_size=3))
        before = Comment.objects.count()

        response = self.browser.post(self.post_url, extra | fields)

        self.assert_answered(response, before)

    @REQUESTS
    @given(fields=st.lists(st.tuples(st.sampled_from(FIELDS).map(str.encode) | raw_bytes, raw_bytes), max_size=10))
    def test_any_bytes_in_any_field_of_the_comment_form(self, fields):
        body = "&".join(f"{quote_from_bytes(name)}={quote_from_bytes(value)}" for name, value in fields).encode()
        before = Comment.objects.count()

        response = self.browser.post(self.post_url, body, content_type="application/x-www-form-urlencoded")

        self.assert_answered(response, before)

    @REQUESTS
    @given(body=raw_bytes, content_type=st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data"]))
    def test_any_raw_body(self, body, content_type):
        before = Comment.objects.count()

        response = self.browser.post(self.post_url, body, content_type=content_type)

        self.assert_answered(response, before)


class TestReadPagesFuzz(Fixture):
    @REQUESTS
    @given(q=awkward_text, page=numbers, extra=st.dictionaries(st.text(max_size=10), awkward_text, max_size=2))
    def test_any_search_query_and_page(self, q, page, extra):
        response = self.browser.get(reverse("articles:search"), extra | {"q": q, "page": page})

        assert response.status_code == 200, getattr(response, "exc_info", None)

    @REQUESTS
    @given(query=raw_bytes)
    def test_any_bytes_in_the_search_query_string(self, query):
        response = self.browser.get(reverse("articles:search"), QUERY_STRING="q=" + query.decode("latin-1"))

        assert response.status_code in ALLOWED, getattr(response, "exc_info", None)

    @REQUESTS
    @given(page=numbers)
    def test_any_page_number_of_the_home_page(self, page):
        response = self.browser.get(reverse("articles:home"), {"page": page})

        assert response.status_code in {200, 404}, getattr(response, "exc_info", None)

    @REQUESTS
    @given(comments=numbers, reply_to=numbers, picked=numbers)
    def test_any_parameters_of_the_article_page(self, comments, reply_to, picked):
        query = {"comments": comments, "reply_to": reply_to, "picked": picked}

        response = self.browser.get(self.article.get_absolute_url(), query)

        assert response.status_code == 200, getattr(response, "exc_info", None)

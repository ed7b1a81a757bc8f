"""The comment form's own values, fetched by its script on a page the edge keeps for every reader
(comments/views.py, ``form_values``)."""

import time

import pytest
from django.core import signing
from django.test import Client

from comments.forms import FORM_TOKEN_SALT
from comments.models import Comment
from tests.utils.discussion import POSTER, comment_form_data, post_url
from tests.utils.factories import ArticleFactory, UserFactory
from tests.utils.html import parse

pytestmark = pytest.mark.django_db


def test_a_reader_without_an_account_gets_a_fresh_token_and_nothing_else(client):
    answers = [client.get("/comments/form/") for _ in range(2)]

    values = [answer.json() for answer in answers]
    assert [set(value) for value in values] == [{"form_token"}, {"form_token"}]
    assert values[0]["form_token"] != values[1]["form_token"]
    assert abs(time.time() - signing.loads(values[0]["form_token"], salt=FORM_TOKEN_SALT)["t"]) < 5
    assert all("no-store" in answer["Cache-Control"] and "private" in answer["Cache-Control"] for answer in answers)
    assert not answers[0].cookies, "nothing of the reader's is made: no session, no CSRF cookie"


def test_a_signed_in_reader_gets_their_name_email_and_a_csrf_token_that_posts(clock):
    article = ArticleFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory(first_name="June", last_name="Okafor", email="june@example.com"))
    shared_form = comment_form_data(parse(Client().get(article.get_absolute_url())))  # no CSRF token, no name

    values = browser.get("/comments/form/").json()

    assert (values["author_name"], values["author_email"]) == ("June Okafor", "june@example.com")
    clock.shift(5)
    posted = browser.post(post_url(article), shared_form | {"body": POSTER["body"]} | values)
    assert posted.status_code == 302
    assert Comment.objects.get().user.email == "june@example.com"


def test_only_get_and_head(client):
    assert client.post("/comments/form/").status_code == 405

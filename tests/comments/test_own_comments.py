"""The comments a browser posted are noted in a signed cookie: their author sees them while they wait and may change
them for a while; nobody else, and no cookie made or changed by hand, can."""

import pytest
from django.conf import settings
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.own_comments import LEGACY_SESSION_KEY, LIMIT, own_comments_cookie
from tests.utils.discussion import post_comment, remember_as_own
from tests.utils.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

PENDING = Comment.Status.PENDING


@pytest.fixture
def article(clock):
    return ArticleFactory()


def may_edit(client: Client, comment: Comment) -> bool:
    status = client.get(comment.edit_url()).status_code
    assert status in (200, 404)
    return status == 200


def test_a_post_notes_its_comment_in_a_cookie_and_writes_no_session(article, clock):
    client = Client()

    with CaptureQueriesContext(connection) as queries:
        response = post_comment(client, clock, article, body="Noted in this browser alone.")

    comment = Comment.objects.get(body="Noted in this browser alone.")
    assert response.status_code == 302
    assert not [query for query in queries if "django_session" in query["sql"]]
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    cookie = response.cookies[settings.COMMENTS_OWN_COOKIE_NAME]
    assert (cookie["max-age"], cookie["httponly"], cookie["samesite"]) == (settings.SESSION_COOKIE_AGE, True, "Lax")
    assert may_edit(client, comment)
    assert not may_edit(Client(), comment)


def test_each_post_adds_to_the_note_and_it_keeps_the_newest(article, clock, settings):
    settings.COMMENTS_RATE_LIMIT = 1000
    older = [CommentFactory(article=article, status=PENDING) for _ in range(LIMIT)]
    client = Client()
    remember_as_own(client, *older)

    post_comment(client, clock, article, body="The newest of mine.")

    newest = Comment.objects.get(body="The newest of mine.")
    assert may_edit(client, newest) and may_edit(client, older[-1])
    assert not may_edit(client, older[0])  # the oldest made room


def test_a_pending_comment_shows_to_its_author_alone(article, clock):
    client = Client()
    post_comment(client, clock, article, body="Waiting for a moderator.")  # a first comment: held
    assert Comment.objects.get(body="Waiting for a moderator.").status == PENDING

    assert "Waiting for a moderator." in client.get(article.get_absolute_url()).content.decode()
    assert "Waiting for a moderator." not in Client().get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "cookie",
    [
        lambda pk: "1",
        lambda pk: f"[{pk}]",
        lambda pk: signing.dumps([pk], salt="another.purpose"),
        lambda pk: own_comments_cookie([pk])[:-2] + "xx",
    ],
    ids=["the old marker", "unsigned", "signed for another purpose", "tampered"],
)
def test_a_cookie_not_signed_for_this_notes_nothing(article, cookie):
    comment = CommentFactory(article=article, status=PENDING, body="Someone else's words.")
    client = Client()
    client.cookies[settings.COMMENTS_OWN_COOKIE_NAME] = cookie(comment.pk)

    assert not may_edit(client, comment)
    assert "Someone else's words." not in client.get(article.get_absolute_url()).content.decode()


def test_the_note_lapses_with_the_session_age(article, clock):
    client = Client()
    post_comment(client, clock, article, body="Mine for two weeks.")
    comment = Comment.objects.get(body="Mine for two weeks.")
    clock.shift(settings.SESSION_COOKIE_AGE - 10)
    assert client.get(comment.edit_url()).status_code == 302  # still its author's, too late to change

    clock.shift(20)

    assert client.get(comment.edit_url()).status_code == 404


def test_a_browser_whose_session_noted_its_comments_keeps_them_and_its_next_post_moves_them(article, clock):
    """Before the cookie held them, the session did, and the cookie said "1"."""
    earlier = CommentFactory(article=article, status=PENDING, body="Posted before the change.")
    client = Client()
    session = client.session
    session[LEGACY_SESSION_KEY] = [earlier.pk]
    session.save()
    client.cookies[settings.COMMENTS_OWN_COOKIE_NAME] = "1"

    assert may_edit(client, earlier)
    post_comment(client, clock, article, body="Posted after it.")

    del client.cookies[settings.SESSION_COOKIE_NAME]
    assert may_edit(client, earlier)
    assert may_edit(client, Comment.objects.get(body="Posted after it."))

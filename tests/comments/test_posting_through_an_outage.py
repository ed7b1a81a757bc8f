"""The database goes down while a comment is posted: a stored comment always gets its redirect, a post that stored
nothing gets the 503 page.

The database itself refuses the writes, as a server going down does: on PostgreSQL a trigger raises the error a
shut-down server sends (57P01, "terminating connection due to administrator command"), on SQLite the connection
turns read-only. The sessions' writes are refused from the comment's commit on: the fault of the load scenario
(docs/RELIABILITY.md), when a session noted the comments a browser posted. Posting writes no session now, and these
tests keep it so.
"""

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.test import Client

from comments.models import Comment
from tests.utils.database import writes_refused_to
from tests.utils.discussion import known_commenter, post_comment
from tests.utils.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the comment's commit is real, and so is what follows it


@pytest.fixture
def sessions_refused_once_a_comment_is_stored():
    """From the commit of the next comment on, the database refuses the sessions' writes."""
    refusing = []

    def refuse_after_commit(created=False, **kwargs):
        if created and not refusing:
            refusing.append(writes_refused_to("django_session"))
            transaction.on_commit(refusing[0].__enter__)

    post_save.connect(refuse_after_commit, sender=Comment, dispatch_uid="test-refuse-sessions")
    yield
    post_save.disconnect(sender=Comment, dispatch_uid="test-refuse-sessions")
    if refusing:
        refusing[0].__exit__(None, None, None)


@pytest.fixture
def returning_reader(article, clock) -> Client:
    """A browser that posted a comment before. It gets the error pages a server sends, as a browser would, rather
    than the errors behind them."""
    reader = Client(raise_request_exception=False)
    post_comment(reader, clock, article, body="My first word here.")
    assert reader.cookies[settings.COMMENTS_OWN_COOKIE_NAME].value
    return reader


@pytest.fixture
def article(clock):
    article = ArticleFactory()
    known_commenter(article)  # the reader's comments are published at once
    return article


def test_a_returning_readers_comment_stored_before_the_session_fails_gets_its_redirect(
    returning_reader, clock, article, sessions_refused_once_a_comment_is_stored
):
    response = post_comment(returning_reader, clock, article, body="Stored, then the lights went out.")

    comment = Comment.objects.get(body="Stored, then the lights went out.")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#{comment.anchor}")


def test_a_new_readers_comment_stored_before_the_session_fails_gets_its_redirect(
    article, clock, sessions_refused_once_a_comment_is_stored
):
    response = post_comment(Client(), clock, article, body="A first comment, then the lights went out.")

    comment = Comment.objects.get(body="A first comment, then the lights went out.")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#{comment.anchor}")


def test_the_browser_notes_the_comment_as_its_own_whatever_the_database_refuses_after_it(
    returning_reader, clock, article, sessions_refused_once_a_comment_is_stored
):
    response = post_comment(returning_reader, clock, article, body="Stored, then the lights went out.")

    comment = Comment.objects.get(body="Stored, then the lights went out.")
    page = returning_reader.get(response["Location"]).content.decode()
    assert "Thank you: your comment is published." in page
    assert f'href="{comment.edit_url()}"' in page
    assert not returning_reader.cookies.get(settings.SESSION_COOKIE_NAME)


def test_a_post_the_database_could_not_store_gets_the_503_page(returning_reader, clock, article):
    with writes_refused_to("comments_comment"):
        response = post_comment(returning_reader, clock, article, body="Never stored.")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert not Comment.objects.filter(body="Never stored.").exists()

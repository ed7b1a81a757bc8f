"""The session engine writes a session once per change: a view that saved it is not followed by the same write."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from soundtrack_site.session_store import SessionStore
from tests.utils.discussion import POSTER, comment_form_data, post_url
from tests.utils.factories import ArticleFactory
from tests.utils.html import parse

pytestmark = pytest.mark.django_db


def session_writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if "django_session" in query["sql"] and query["sql"].lstrip().startswith(("INSERT", "UPDATE"))
    ]


def test_a_comment_post_writes_its_readers_session_once(clock):
    article = ArticleFactory()
    client = Client()
    data = comment_form_data(parse(client.get(article.get_absolute_url()))) | POSTER
    clock.shift(5)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(post_url(article), data)

    assert response.status_code == 302
    assert len(session_writes(queries)) == 1
    session = SessionStore(response.cookies[settings.SESSION_COOKIE_NAME].value)
    assert session.load()["comments_posted"] == [Comment.objects.get().pk]  # the one write kept the comment


def test_a_session_changed_after_its_save_is_written_again():
    session = SessionStore()
    session["first"] = 1
    session.save()

    with CaptureQueriesContext(connection) as queries:
        session.save()  # the same again: nothing written
        session["second"] = 2
        session.save()

    assert len(session_writes(queries)) == 1
    assert SessionStore(session.session_key).load() == {"first": 1, "second": 2}


def test_a_new_key_for_the_same_data_is_written():
    """A sign-in cycles the key: the data moves to the new one."""
    session = SessionStore()
    session["first"] = 1
    session.save()
    old_key = session.session_key

    session.cycle_key()

    assert session.session_key != old_key and SessionStore(session.session_key).load() == {"first": 1}


def test_a_new_session_never_takes_a_key_in_use():
    """No read asks first: the table refuses the taken key, and another is drawn."""
    taken = SessionStore()
    taken["owner"] = "first"
    taken.save()

    class DrawsTheTakenKeyFirst(SessionStore):
        draws = [taken.session_key]

        def _get_new_session_key(self):
            return self.draws.pop() if self.draws else super()._get_new_session_key()

    session = DrawsTheTakenKeyFirst()
    session["owner"] = "second"
    with CaptureQueriesContext(connection) as queries:
        session.save()

    assert session.session_key != taken.session_key
    assert SessionStore(taken.session_key).load() == {"owner": "first"}
    assert SessionStore(session.session_key).load() == {"owner": "second"}
    assert not [query for query in queries if query["sql"].lstrip().startswith("SELECT")]  # nothing asked first

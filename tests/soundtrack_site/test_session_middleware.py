"""The session middleware tells a database outage from a session deleted by another request."""

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.exceptions import SessionInterrupted
from django.http import HttpResponse
from django.test import RequestFactory

from soundtrack_site.middleware import SessionMiddleware
from tests.utils.database import writes_refused_to

pytestmark = pytest.mark.django_db(transaction=True)


def answer_with(status: int):
    """A request of a reader with a session, answered ``status`` by a view that changed the session."""
    session = SessionStore()
    session["seen"] = 1
    session.save()
    request = RequestFactory().post("/", HTTP_COOKIE=f"sessionid={session.session_key}")
    middleware = SessionMiddleware(lambda request: None)

    def respond(meanwhile=lambda: None):
        middleware.process_request(request)
        request.session["seen"] = 2
        meanwhile()
        return middleware.process_response(request, HttpResponse(status=status))

    return session, respond


@pytest.mark.parametrize("status", [200, 302])
def test_work_done_stands_when_the_database_fails_under_the_session(status):
    _, respond = answer_with(status)
    with writes_refused_to("django_session"):
        response = respond()

    assert response.status_code == status


def test_any_other_answer_becomes_the_503_page_when_the_database_fails_under_the_session():
    _, respond = answer_with(400)
    with writes_refused_to("django_session"):
        response = respond()

    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


def test_a_session_deleted_by_another_request_keeps_djangos_answer():
    session, respond = answer_with(200)

    with pytest.raises(SessionInterrupted):
        respond(meanwhile=lambda: SessionStore(session.session_key).delete())  # a sign-out in another tab

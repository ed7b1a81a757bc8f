"""The session engine: Django's cached-database sessions, their new keys drawn without asking first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from soundtrack_site.session_store import SessionStore

pytestmark = pytest.mark.django_db


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

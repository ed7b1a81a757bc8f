"""The session engine (``SESSION_ENGINE``): Django's cached-database sessions, made without asking first whether
their new key is taken."""

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import get_random_string


class SessionStore(cached_db.SessionStore):
    def _get_new_session_key(self):
        """A new key, without Django's check that no session has it (a cache and a database read on every new
        session): the table's primary key refuses a taken one, and ``create()`` then draws again."""
        return get_random_string(32, VALID_KEY_CHARS)

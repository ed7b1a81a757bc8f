"""The session engine (``SESSION_ENGINE``): Django's cached-database sessions, not written again unchanged, and
made without asking first whether their new key is taken."""

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.utils.crypto import get_random_string


class SessionStore(cached_db.SessionStore):
    """A view that saves the session itself, to know at once whether it was kept (comments/own_comments.py), was
    followed by the same write from the session middleware, which saves a session marked modified: a second
    transaction and cache write on every comment POST. A save of what was last written, under the same key, is
    skipped; any change to the data (the expiry included) is written."""

    def save(self, must_create=False):
        written = self.serializer().dumps(self._get_session(no_load=must_create))
        if not must_create and self.session_key is not None and (self.session_key, written) == self._last_written:
            return
        super().save(must_create)
        self._last_written = (self.session_key, written)

    _last_written = None

    def _get_new_session_key(self):
        """A new key, without Django's check that no session has it (a cache and a database read on every new
        session): the table's primary key refuses a taken one, and ``create()`` then draws again."""
        return get_random_string(32, VALID_KEY_CHARS)

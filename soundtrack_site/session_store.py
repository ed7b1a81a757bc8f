"""The session engine (``SESSION_ENGINE``): Django's cached-database sessions, not written again unchanged."""

from django.contrib.sessions.backends import cached_db


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

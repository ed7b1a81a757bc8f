"""Django's session middleware, with a database outage told apart from a session deleted by a concurrent request."""

import logging

from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import InterfaceError, OperationalError

from . import views

logger = logging.getLogger(__name__)


class SessionMiddleware(DjangoSessionMiddleware):
    """When the session cannot be saved because the database is unreachable (it went down while the view ran),
    Django answers 400 "Bad request" (an update) or 500 (a new session), whatever the view did. Here, a response
    that reports work done (below 400: the view's writes are committed, say a stored comment's redirect) stands,
    without the session's changes; any other becomes the 503 page of an outage. A session deleted by another
    request (a sign-out in another tab) keeps Django's 400."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, OperationalError, InterfaceError) as error:
            cause = _outage_behind(error)
            if cause is None:
                raise
            if response.status_code < 400:
                logger.warning("The session could not be saved (%s); the response stands without it.", cause)
                return response
            return views.outage()  # logged by Django as a 503, like every other outage


def _outage_behind(error: BaseException) -> OperationalError | InterfaceError | None:
    """The database outage an error comes from (raised, or the cause of a session update that failed)."""
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError):
            return error
        error = error.__cause__ or error.__context__
    return None

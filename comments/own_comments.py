"""The comments this browser posted, remembered in its session: their authors see them while they wait, and may
change them for a while."""

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError

from .models import Comment

SESSION_KEY = "comments_posted"
SESSION_LIMIT = 50


def own_comment_ids(request) -> list[int]:
    """The session is only read when the reader already has one (a page for everyone else needs no session)."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return []
    return [int(pk) for pk in request.session.get(SESSION_KEY, [])]


def remember_own_comment(request, comment: Comment) -> bool:
    """Note a stored comment in the session, saved at once; False when the session cannot be read or saved (the
    database went down just after the comment's commit): the comment stays stored, the session as it was."""
    try:
        ids = [pk for pk in own_comment_ids(request) if pk != comment.pk]
        request.session[SESSION_KEY] = (ids + [comment.pk])[-SESSION_LIMIT:]
        request.session.save()
    except (DatabaseError, UpdateError):
        request.session.modified = False  # nothing left for the session middleware to save
        return False
    return True

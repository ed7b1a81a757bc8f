"""The comments this browser posted, remembered in its session: their authors see them while they wait, and may
change them for a while."""

from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError

from .models import Comment

SESSION_KEY = "comments_posted"
SESSION_LIMIT = 50
# Set beside the session when it notes a comment (soundtrack_site/reader_slots.py): tells, without reading the
# session, that this browser's article pages show comments of its own.
OWN_COMMENTS_COOKIE = "own_comments"


def own_comment_ids(request) -> list[int]:
    """Read from the session even for a reader without one (no query then): the page cache tells a page that may
    differ from reader to reader by its having read the session (pagecache/middleware.py)."""
    return [int(pk) for pk in request.session.get(SESSION_KEY, [])]


def remember_own_comment(request, comment: Comment) -> bool:
    """Note a stored comment in the session, saved at once; False when the session cannot be read or saved (the
    database went down just after the comment's commit): the comment stays stored, the session as it was."""
    try:
        ids = [pk for pk in own_comment_ids(request) if pk != comment.pk]
        request.session[SESSION_KEY] = (ids + [comment.pk])[-SESSION_LIMIT:]
        request.session.save()
        request.posted_own_comment = True
    except (DatabaseError, UpdateError):
        request.session.modified = False  # nothing left for the session middleware to save
        return False
    return True

"""The comments this browser posted, noted in a signed cookie: their authors see them while they wait, and may
change them for a while.

A cookie, not the session: posting writes nothing after the comment's commit (a stored comment always gets its
redirect, docs/RELIABILITY.md), and a reader who comments leaves no session row behind them.
"""

from django.conf import settings
from django.core import signing

from pagecache.lookup import note_reader_state_read

from .models import Comment

LIMIT = 50
SALT = "comments.own_comments"
# Until 2026-12-03 the session held the ids and the cookie said "1": such a browser's ids are read from its session
# (and move to the cookie with its next comment) until those sessions expire.
LEGACY_SESSION_KEY = "comments_posted"


def own_comment_ids(request) -> list[int]:
    """Oldest first. Asking makes the page this reader's own, even for a reader who posted none: the page cache
    keeps it for them alone (pagecache/middleware.py)."""
    note_reader_state_read(request)
    if not hasattr(request, "_own_comment_ids"):
        request._own_comment_ids = _read(request)
    return request._own_comment_ids


def _read(request) -> list[int]:
    value = request.COOKIES.get(settings.COMMENTS_OWN_COOKIE_NAME)
    if value is None:
        return []
    try:
        return [int(pk) for pk in signing.loads(value, salt=SALT, max_age=settings.SESSION_COOKIE_AGE)]
    except signing.BadSignature:  # expired too; or the earlier "1", whose ids the session holds
        return [int(pk) for pk in request.session.get(LEGACY_SESSION_KEY, [])]


def remember_own_comment(request, comment: Comment) -> None:
    """Note a stored comment as this browser's: the response sets the cookie (soundtrack_site/reader_slots.py)."""
    ids = [pk for pk in own_comment_ids(request) if pk != comment.pk] + [comment.pk]
    request._own_comment_ids = ids[-LIMIT:]
    request.own_comments_cookie = own_comments_cookie(request._own_comment_ids)


def own_comments_cookie(comment_ids: list[int]) -> str:
    """The cookie's value that notes these comments."""
    return signing.dumps(comment_ids, salt=SALT)

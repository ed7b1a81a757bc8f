"""What a page shows only to its own reader, filled into the page's reader slots (pagecache/slots.py) on every
response, cached pages included: the page itself reads nothing of the reader's, so it can be shared.

On a page the cache sends, a slot's value comes from the session alone, not the user's row: one read of the
session (from the cache) is what that costs. The session notes what the slots need when the user signs in; a link
it shows is only a link (the admin checks the user itself)."""

from django.conf import settings
from django.contrib.auth import get_user
from django.db import DatabaseError
from django.template.loader import render_to_string

from .middleware import SessionMiddleware

STAFF_KEY = "reader_slots:staff"


def _session_of(request):
    """The request's session. A page sent from the page cache comes back before the session middleware runs: the
    session is read here then, as it would be."""
    if not hasattr(request, "session"):
        SessionMiddleware(lambda request: None).process_request(request)
    return request.session


def note_sign_in(sender, request, user, **kwargs) -> None:
    """On ``user_logged_in``: note in the session what the slots need to know of the user."""
    request.session[STAFF_KEY] = user.is_staff


def _is_staff(request) -> bool:
    if hasattr(request, "user"):  # a page rendered for this request: the user is at hand
        return request.user.is_staff
    session = _session_of(request)
    if STAFF_KEY in session:
        return session[STAFF_KEY]
    # A session from before sign-ins were noted: the user's row, as the authentication middleware would read it.
    return "_auth_user_id" in session and get_user(request).is_staff


def staff_links(request) -> str:
    """The header's links for staff (the admin); nothing for anyone else."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ""
    try:
        is_staff = _is_staff(request)
    except DatabaseError:  # an outage page is still sent: without the links, which would not work anyway
        return ""
    return render_to_string("includes/staff_links.html") if is_staff else ""

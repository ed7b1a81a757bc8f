"""What a page shows only to its own reader, filled into the page's reader slots (pagecache/slots.py) on every
response, cached pages included: the page itself reads nothing of the reader's, so it can be shared.

A slot's value comes from the request alone, with no read of the session or the user's row: it is filled on every
view of a cached page. The staff's links follow a hint cookie set when a member of staff signs in and deleted when
they sign out (``StaffHintMiddleware``). It is a hint, not a credential: a forged one shows a link to the admin,
which asks who you are as it always does.
"""

from django.conf import settings
from django.template.loader import render_to_string

STAFF_COOKIE = "staff"


def staff_links(request) -> str:
    """The header's links for staff (the admin); nothing for anyone else."""
    # With the session too: a hint that outlived its session (expired, signed out elsewhere) shows nothing.
    if request.COOKIES.get(STAFF_COOKIE) != "1" or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ""
    return render_to_string("includes/staff_links.html")


def note_sign_in(sender, request, user, **kwargs) -> None:
    """On ``user_logged_in``: the response sets the hint (StaffHintMiddleware)."""
    request.staff_hint = user.is_staff


def note_sign_out(sender, request, **kwargs) -> None:
    """On ``user_logged_out``: the response deletes the hint."""
    request.staff_hint = False


class StaffHintMiddleware:
    """Sets or deletes the staff hint cookie on the response to a sign-in or a sign-out; touches nothing else (it
    reads no session: a page that did not read it stays shareable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        staff = getattr(request, "staff_hint", None)
        if staff:
            response.set_cookie(
                STAFF_COOKIE,
                "1",
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif staff is False and STAFF_COOKIE in request.COOKIES:
            response.delete_cookie(STAFF_COOKIE, samesite="Lax")
        return response

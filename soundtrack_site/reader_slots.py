"""What a page shows only to its own reader, filled into the page's reader slots (pagecache/slots.py) on every
response, cached pages included: the page itself reads nothing of the reader's, so it can be shared.

A slot's value comes from the request alone, with no read of the session or the user's row: it is filled on every
view of a cached page. It follows hint cookies set when someone signs in and deleted when they sign out
(``ReaderHintsMiddleware``): whether they are staff (the header's admin link), and their account's name and email
(the comment form's, signed so that no other site can plant one). A hint is not a credential: a forged staff hint
shows a link to the admin, which asks who you are as it always does, and a post is always checked against the
session itself. In a page the edge keeps for every reader the slots are empty: the staff hint is readable by
scripts (static/js/staff-links.js puts the link in), the form's values are fetched by its script.

An article's page also shows a reader the comments they posted from this browser (noted in a signed cookie,
comments/own_comments.py): ``needs_own_page`` tells whether it must be rendered for them alone.
"""

import re

from django.conf import settings
from django.core import signing
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.template.loader import render_to_string
from django.utils.html import escape

from articles.authors import public_name
from comments.section import csrf_input as csrf_field

STAFF_COOKIE = "staff"
ACCOUNT_COOKIE = "account"
ACCOUNT_SALT = "soundtrack_site.reader_slots.account"
CSRF_SECRET = re.compile(f"[{re.escape(CSRF_ALLOWED_CHARS)}]{{{CSRF_SECRET_LENGTH}}}")


def _has_session(request) -> bool:
    # With the session cookie too: a hint that outlived its session (expired, signed out elsewhere) shows nothing.
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def staff_links(request) -> str:
    """The header's links for staff (the admin); nothing for anyone else."""
    if request.COOKIES.get(STAFF_COOKIE) != "1" or not _has_session(request):
        return ""
    return render_to_string("includes/staff_links.html")


def account(request) -> dict | None:
    """The signed-in reader's name and email, from the signed hint; None for anyone else."""
    if not hasattr(request, "account_hint"):
        value = request.COOKIES.get(ACCOUNT_COOKIE) if _has_session(request) else None
        try:
            request.account_hint = signing.loads(value, salt=ACCOUNT_SALT) if value else None
        except signing.BadSignature:
            request.account_hint = None
    return request.account_hint


def comment_author_name(request) -> str:
    return escape(hint["name"]) if (hint := account(request)) else ""


def comment_author_email(request) -> str:
    return escape(hint["email"]) if (hint := account(request)) else ""


def csrf_input(request) -> str:
    """The signed-in reader's CSRF token for the comment form (only their posts are checked for one: comments/views.py),
    masked afresh from the secret in their CSRF cookie, as Django's own middleware would."""
    if account(request) is None or (secret := _csrf_secret(request)) is None:
        return ""
    request.META.setdefault("CSRF_COOKIE", secret)
    return csrf_field(get_token(request))


def _csrf_secret(request) -> str | None:
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    return secret if CSRF_SECRET.fullmatch(secret) else None


def needs_own_page(request) -> bool:
    """Whether an article's page must be rendered for this reader alone rather than sent from the shared copy:
    they posted comments from this browser (shown to them while they wait, with their edit links), or they have a
    session the hints do not describe (signed in before the hints existed, or in some other way), or they are
    signed in without a CSRF cookie to sign their form's token with (rendering it gives them one)."""
    if settings.COMMENTS_OWN_COOKIE_NAME in request.COOKIES:
        return True
    if not _has_session(request):
        return False
    return account(request) is None or _csrf_secret(request) is None


def hint_cookies(user) -> dict[str, str]:
    """The hints a browser gets on signing in as ``user``."""
    hints = {ACCOUNT_COOKIE: signing.dumps({"name": public_name(user), "email": user.email}, salt=ACCOUNT_SALT)}
    if user.is_staff:
        hints[STAFF_COOKIE] = "1"
    return hints


def note_sign_in(sender, request, user, **kwargs) -> None:
    """On ``user_logged_in``: the response sets the hints (ReaderHintsMiddleware)."""
    request.reader_hints = hint_cookies(user)


def note_sign_out(sender, request, **kwargs) -> None:
    """On ``user_logged_out``: the response deletes the hints, and the note of the comments this browser posted (as
    the session goes, everything of the reader's goes)."""
    request.reader_hints = {}


class ReaderHintsMiddleware:
    """Sets or deletes the hint cookies on the response to a sign-in or a sign-out, and the note of the comments
    this browser posted (comments/own_comments.py) on the response to a comment's post or confirmation; touches
    nothing else (it reads no session: a page that did not read it stays shareable)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        hints = getattr(request, "reader_hints", None)
        if hints is not None:  # signed in or out: a hint this one does not give goes (the staff's, say)
            gone = {STAFF_COOKIE, ACCOUNT_COOKIE} | (set() if hints else {settings.COMMENTS_OWN_COOKIE_NAME})
            for name in (gone - hints.keys()) & request.COOKIES.keys():
                response.delete_cookie(name, samesite="Lax")
        if own_comments := getattr(request, "own_comments_cookie", None):
            hints = (hints or {}) | {settings.COMMENTS_OWN_COOKIE_NAME: own_comments}
        for name, value in (hints or {}).items():
            response.set_cookie(
                name,
                value,
                max_age=settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=name != STAFF_COOKIE,  # read by static/js/staff-links.js on a page the edge shares
                samesite="Lax",
            )
        return response

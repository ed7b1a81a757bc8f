"""The pages a confirmation email links to (GET shows what the link confirms, POST confirms it), and the button
on a reader's own unconfirmed comment that sends its link again.

Mail scanners open the links in the mail they check, so a GET changes nothing. No CSRF token: the signed link is
the credential, and the reader may open it in a browser that has never seen the site.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from mailing.limits import too_many_message
from mailing.tokens import BadToken
from throttling.clients import client_of

from . import email_confirmation
from .own_comments import remember_own_comment
from .section import CONFIRMATION_TAG, confirm_posting
from .views import own_comment, where_shown

TEMPLATE = "comments/confirm_email.html"


def _page(request, state: str, status: int = 200, **context):
    context |= {"state": state, "link_hours": settings.MAIL_LINK_HOURS}
    context["unconfirmed_days"] = settings.COMMENTS_UNCONFIRMED_DAYS
    return render(request, TEMPLATE, context, status=status)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_email(request, token):
    try:
        comment_id, email = email_confirmation.read_link(token)
    except BadToken as bad:
        if bad.expired:
            return _page(request, "expired", status=410, message=bad.message, token=token)
        return _page(request, "invalid", status=400, message=bad.message)
    comment = email_confirmation.comment_of_link(comment_id, email)
    if comment is None:
        return _page(request, "gone", status=404)
    if comment.status != email_confirmation.UNCONFIRMED:
        return _page(request, "done", comment=comment)
    if request.method != "POST":
        return _page(request, "ask", comment=comment, email=email)
    if not email_confirmation.confirm_comment(comment):  # confirmed by a click a moment earlier
        return _page(request, "done", comment=comment)
    comment.refresh_from_db(fields=["status"])
    remember_own_comment(request, comment)
    confirm_posting(request, comment)
    return redirect(where_shown(comment))


@csrf_exempt
@require_POST
def send_new_link(request, token):
    """A new link for an expired one; the same answer whether or not the comment still waits."""
    try:
        email, within_limits = email_confirmation.send_again(token, client=client_of(request))
    except BadToken as bad:
        return _page(request, "invalid", status=400, message=bad.message)
    if not within_limits:
        return _page(request, "invalid", status=429, message=too_many_message())
    return _page(request, "sent", email=email)


@csrf_exempt  # like posting a comment (comments/views.py): the session shows whose it is, and it mails only them
@require_POST
def send_own_link_again(request, pk):
    """The writer of an unconfirmed comment, from the browser they posted it with, asks for its link again."""
    comment = own_comment(request, pk)
    if comment.status != email_confirmation.UNCONFIRMED:
        return redirect(comment.get_absolute_url())
    if not email_confirmation.send_own_again(comment, client=client_of(request)):
        return _page(request, "invalid", status=429, message=too_many_message())
    text = f"A new link is on its way to {comment.author_email}; it works for {settings.MAIL_LINK_HOURS} hours."
    messages.info(request, text, extra_tags=CONFIRMATION_TAG)
    return redirect(where_shown(comment))

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from mailing import tokens
from mailing.limits import too_many_message, within_mail_limits
from throttling.clients import client_of

from . import services
from .downloads import download
from .forms import RequestForm
from .mail import send_request_link

# The same words whether or not anything is kept about the address: the page tells nobody who commented here.
SENT = "If we hold anything for this address, we sent a link to it."
USED = "This link was used already: the data it was for is erased. Nothing more was done."


def policy(request):
    """What the site keeps about readers and for how long, from the settings."""
    return render(
        request,
        "privacy/policy.html",
        {
            "ip_days": settings.COMMENTS_IP_RETENTION_DAYS,
            "unconfirmed_days": settings.COMMENTS_UNCONFIRMED_DAYS,
            "erasure": settings.PRIVACY_ERASURE,
            "link_hours": settings.MAIL_LINK_HOURS,
            "reply_notice_minutes": settings.COMMENTS_REPLY_NOTICE_MINUTES,
            "session_days": settings.SESSION_COOKIE_AGE // (24 * 60 * 60),
        },
    )


@never_cache  # a form with a CSRF token: never a shared page
@require_http_methods(["GET", "HEAD", "POST"])
def request_data(request):
    """Ask for one's data or its erasure: a link goes to the address, if anything is kept about it."""
    form = RequestForm(request.POST or None)
    if not form.is_valid():
        return render(request, "privacy/request.html", {"form": form}, status=400 if form.errors else 200)
    email, what = form.cleaned_data["email"], form.cleaned_data["what"]
    if not within_mail_limits("privacy", client=client_of(request), email=email):
        return render(request, "privacy/request.html", {"form": form, "refused": too_many_message()}, status=429)
    # Whether anything is kept is looked up by the task, not here: the answer, and how long it takes, are the same.
    transaction.on_commit(partial(send_request_link.enqueue, email=email, what=what))
    return render(request, "privacy/requested.html", {"message": SENT, "hours": settings.MAIL_LINK_HOURS})


def _bad_link(request, bad: tokens.BadToken):
    return render(request, "privacy/link_invalid.html", {"message": bad.message}, status=400)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def export(request, token):
    """GET: a page with the download button (a link opened by a mail scanner downloads nothing). POST: the JSON."""
    try:
        email = services.read_link(services.EXPORT, token)
    except tokens.BadToken as bad:
        return _bad_link(request, bad)
    if request.method != "POST":
        return render(request, "privacy/export.html", {"email": email})
    return download(services.export(email))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def erase(request, token):
    """GET: what erasure does, and a button to confirm. POST: erase, once."""
    try:
        email = services.read_link(services.ERASE, token)
    except tokens.BadToken as bad:
        return _bad_link(request, bad)
    if request.method != "POST":
        return render(request, "privacy/erase.html", {"email": email, "erasure": settings.PRIVACY_ERASURE})
    with transaction.atomic():  # the link is spent only if the erasure is done
        if not tokens.use_once(services.ERASE, token, max_age=timedelta(hours=settings.MAIL_LINK_HOURS)):
            return render(request, "privacy/link_invalid.html", {"message": USED}, status=410)
        services.erase(email)
    return render(request, "privacy/erased.html", {"email": email})

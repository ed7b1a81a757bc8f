from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from articles import tags
from mailing.limits import too_many_message, within_mail_limits
from mailing.models import normalise
from mailing.tokens import BadToken
from throttling.clients import client_of

from . import services
from .confirmations import read_confirmation
from .forms import FollowForm
from .models import TARGET_MODELS, Frequency, Kind, feed_url_of, name_of, url_of

REQUESTED = "Check your inbox: we sent a link to confirm."


def target_or_404(kind: str, slug: str):
    if kind not in Kind.values:
        raise Http404("Only composers, works and tags can be followed.")
    target = TARGET_MODELS[Kind(kind)].objects.filter(slug=slug).first()
    if target is None:
        raise Http404(f"No {kind} has this address.")
    return target


# Never cached: the page carries the reader's CSRF token, and what it answers depends on what was posted.
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request, kind, slug):
    """GET: the form (an address and how often). POST: the same answer for any address (no telling who follows
    what), the confirmation link sent by the task queue."""
    try:
        target = target_or_404(kind, slug)
    except Http404:
        if kind == Kind.TAG and (moved := tags.moved_to(slug)):  # a renamed or merged tag: follow it at its address
            return HttpResponsePermanentRedirect(reverse("follows:follow", kwargs={"kind": kind, "slug": moved.slug}))
        raise
    form = FollowForm(request.POST or None)
    context = {
        "form": form,
        "name": name_of(target),
        "kind": kind,
        "target_url": url_of(target),
        "feed_url": feed_url_of(target),
    }
    if not form.is_valid():
        return render(request, "follows/follow.html", context, status=400 if form.is_bound else 200)
    email = normalise(form.cleaned_data["email"])
    if not within_mail_limits("follow", client=client_of(request), email=email):
        return render(request, "follows/follow.html", {**context, "refusal": too_many_message()}, status=429)
    services.request_follow(email=email, target=target, frequency=form.cleaned_data["frequency"])
    return render(request, "follows/requested.html", {**context, "email": email, "message": REQUESTED})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """GET: what the link confirms, with a button (mail scanners open links; only a person presses buttons).
    POST: confirm it."""
    try:
        asked = read_confirmation(token)
    except BadToken as bad:
        return render(request, "follows/confirm_invalid.html", {"message": bad.message}, status=400)
    if asked.target is None:
        message = "What this link asked to follow is no longer on the site."
        return render(request, "follows/confirm_invalid.html", {"message": message}, status=410)
    context = {
        "email": asked.email,
        "name": name_of(asked.target),
        "target_url": url_of(asked.target),
        "frequency": Frequency(asked.frequency).label.lower(),
    }
    if request.method != "POST":
        return render(request, "follows/confirm.html", context)
    services.confirm_follow(asked)
    return render(request, "follows/confirmed.html", context)

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import lists
from .limits import too_many_message, within_unsubscribe_limit
from .tokens import BadToken


# No CSRF token: the link in the email is the credential, and RFC 8058's one-click POST comes from the mail
# client (or its provider's server) with no page of ours before it.
@csrf_exempt
@never_cache  # what it shows changes once it is used; the page cache must not keep it
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET: what the link stops, with buttons to confirm. POST: stop it at once (the one-click POST of RFC 8058,
    or a button of the GET page: ``scope=everything`` stops all mail)."""
    try:
        email, mailing_list = lists.read_unsubscribe_token(token)
    except BadToken as bad:
        return render(request, "mailing/unsubscribe_invalid.html", {"message": bad.message}, status=400)
    if request.method != "POST":
        context = {
            "email": email,
            "leaving": lists.describe(mailing_list),
            "everything": lists.EVERYTHING,
            "is_everything": mailing_list == lists.EVERYTHING,
        }
        return render(request, "mailing/unsubscribe.html", context)
    if not within_unsubscribe_limit(email):
        return render(request, "mailing/unsubscribe_invalid.html", {"message": too_many_message()}, status=429)
    if request.POST.get("scope") == lists.EVERYTHING:
        mailing_list = lists.EVERYTHING
    left = lists.describe(mailing_list)
    lists.unsubscribe(email, mailing_list)
    return render(request, "mailing/unsubscribed.html", {"email": email, "left": left})

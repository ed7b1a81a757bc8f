import sys

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import server_error as django_server_error

HEALTH_KEY = "healthz:probe"


@never_cache
def healthz(request):
    """200 when the database (and the shared cache, when there is one) answer; 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError as error:
        checks["database"] = f"error: {error.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            cache.set(HEALTH_KEY, "ok", timeout=10)
            checks["cache"] = "ok" if cache.get(HEALTH_KEY) == "ok" else "error: no echo"
        except Exception as error:  # the Redis client raises its own errors, not a common base with Django's
            checks["cache"] = f"error: {error.__class__.__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)


@never_cache
def server_error(request):
    """A database that cannot be reached is an outage, not a bug: say so with a 503 the client may retry."""
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        return outage()
    return django_server_error(request)


def outage() -> HttpResponse:
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response


def bad_request(request, exception):
    """A body too large to read is refused with its own page and status (413); any other unreadable request, 400."""
    if isinstance(exception, RequestDataTooBig):
        return HttpResponse(loader.render_to_string("413.html", request=request), status=413)
    return django_bad_request(request, exception)

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

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

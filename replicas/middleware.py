"""Which requests read from a replica, read-your-writes, and a replica that fails mid-request.

A request may read from a replica when it is safe (GET, HEAD, OPTIONS), asks for a public page (not under
DATABASE_REPLICA_EXCLUDED_PREFIXES: the admin, the health check) and its client has not written in the last
DATABASE_READ_YOUR_WRITES_SECONDS. A replica is then chosen only if it holds every change up to the latest one the
site knows of (DATABASE_REPLICA_LATEST_CHANGE: the page cache's stamp), so a page or fragment cached under a stamp
is never rendered from data older than the change that moved it.

A client whose unsafe request succeeded (a comment, an admin edit, a sign-in) gets a cookie that sends its reads to
the primary until it expires. A safe request whose replica fails while it is served is served again from the
primary, and that replica is left alone until a check finds it again: the reader never sees the failure.
"""

import time
from functools import cache

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.utils.module_loading import import_string

from . import reads
from .health import configured_replicas, replicas

COOKIE = "recent_write"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = reads.read_from(self._replica_for(request))
        try:
            response = self.get_response(request)
        finally:
            reads.reset(token)
        if request.method not in SAFE_METHODS and response.status_code < 400 and configured_replicas():
            seconds = settings.DATABASE_READ_YOUR_WRITES_SECONDS
            response.set_cookie(
                COOKIE,
                str(int(time.time() + seconds)),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        """Serve a safe request again from the primary when its replica failed under it."""
        alias = getattr(request, "_replica", None)
        if (
            alias is None
            or getattr(request, "_served_again", False)
            or not isinstance(exception, OperationalError | InterfaceError)
            or not connections[alias].errors_occurred
        ):
            return None
        replicas.mark_down(alias, exception)
        request._replica, request._served_again = None, True
        reads.primary_from_now_on()
        return self.get_response(request)

    def _replica_for(self, request) -> str | None:
        request._replica = None
        if (
            request.method not in SAFE_METHODS
            or request.path.startswith(settings.DATABASE_REPLICA_EXCLUDED_PREFIXES)
            or not configured_replicas()
            or _wrote_recently(request)
        ):
            return None
        request._replica = replicas.choose(changed_at=_latest_change())
        return request._replica


def _wrote_recently(request) -> bool:
    try:
        return time.time() < int(request.COOKIES.get(COOKIE, 0))
    except ValueError:
        return False


@cache
def _latest_change_callable():
    return import_string(settings.DATABASE_REPLICA_LATEST_CHANGE)


def _latest_change() -> float:
    """When the latest change the site knows of was made (now, when it cannot say)."""
    return _latest_change_callable()() or time.time()

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory


class Sent:
    """What a WSGI application sends for one request made with RequestFactory: its status, headers and body."""

    def __init__(self, application, path, method="GET", **headers):
        environ = RequestFactory().generic(method, path, headers=headers).environ
        self.status, self.headers = None, {}
        # As Django's test client does: the test's database connection (and its transaction) outlives the request.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            body = application(environ, self.start_response)
            self.content = b"".join(body)
            if hasattr(body, "close"):
                body.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    def start_response(self, status, headers, exc_info=None):
        self.status, self.headers = status, dict(headers)

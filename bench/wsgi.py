from contextlib import ExitStack

from django.db import connections

HEADER = "X-Bench-Queries"


class QueryCounting:
    """Says in a response header how many SQL queries the request made (bench mode only: soundtrack_site/wsgi.py).
    The outermost layer, so that the page cache's hits sent before Django are counted too."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        def counted(status, headers, exc_info=None):
            return start_response(status, [*headers, (HEADER, str(count))], exc_info)

        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            return self.application(environ, counted)

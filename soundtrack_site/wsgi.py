import os

from django.core.wsgi import get_wsgi_application
from django.utils.module_loading import import_string

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soundtrack_site.settings")


def _application():
    django_application = get_wsgi_application()
    # Wrapped once Django is set up (the wrappers' modules read the settings as they are imported): the page
    # cache's hits for readers without a session, sent before Django; in bench mode, the query-count header.
    from django.conf import settings

    application = import_string("pagecache.wsgi.PageCacheApplication")(django_application)
    if settings.BENCH_ENABLED:
        application = import_string("bench.wsgi.QueryCounting")(application)
    return application


application = _application()

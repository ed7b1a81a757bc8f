from django.http import HttpResponse

from bench.views import requested_size, static_page


def page(request):
    """The ceiling's static page of ?bytes=N, with nothing between it and startproject's middleware."""
    return HttpResponse(static_page(requested_size(request)), content_type="text/html; charset=utf-8")

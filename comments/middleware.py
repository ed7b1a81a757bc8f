from .forms import new_form_stamp
from .section import placeholder


class FormStampMiddleware:
    """Every view of a page gets its own comment-form stamp, whether the page was rendered for it or comes from a
    cache: the comment section renders a placeholder (comments/section.py), filled here on the way out. It sits
    outside the page cache, so cached copies keep the placeholder (and their ETag stays that of the copy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        mark = placeholder("stamp").encode()
        if mark in response.content:
            response.content = response.content.replace(mark, new_form_stamp().encode())
            response["Content-Length"] = str(len(response.content))
        return response

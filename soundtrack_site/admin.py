"""The admin site: Django's, with guards that every admin page shares."""

import logging
from functools import wraps

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404
from django.urls import path

from .views import bad_request

logger = logging.getLogger(__name__)


def _has_nul_byte(query) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


def _selects_non_ids(request, model_admin) -> bool:
    """Whether a bulk action was posted for values that cannot be the model's primary keys."""
    if request.method != "POST" or model_admin is None:
        return False
    pk = model_admin.model._meta.pk
    try:
        for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
            pk.run_validators(pk.to_python(value))
    except ValidationError:
        return True
    return False


def refuse_malformed_input(view):
    """Answer 400 for input Django's admin would otherwise meet with an error page (500):

    - a NUL byte in the query string (a filter, a search, an autocomplete term): no column holds one, and
      PostgreSQL refuses it in a query; forms refuse it field by field, with the form shown again;
    - a bulk action posted for ids that are not ids;
    - a number too large for a date or for SQLite (a date drill-down's year, an id of twenty digits).
    """
    model_admin = getattr(view, "__self__", None)
    if not isinstance(model_admin, admin.ModelAdmin):
        model_admin = None

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if _has_nul_byte(request.GET):
            return bad_request(request, BadRequest("A NUL byte in the query string."))
        if _selects_non_ids(request, model_admin):
            return bad_request(request, BadRequest("A bulk action for values that are not ids."))
        try:
            return view(request, *args, **kwargs)
        except OverflowError as error:
            logger.warning("Bad request: a number too large in %s: %s", request.path, error)
            return bad_request(request, BadRequest(str(error)))

    return guarded


class SiteAdmin(admin.AdminSite):
    site_header = "Soundtrack site administration"
    site_title = "Soundtrack site"
    # Lists need the width: at 1280 px, the sidebar of every model left the articles list some 600 px, and titles
    # wrapped word by word. The breadcrumbs, and the home's list of apps, lead wherever it did.
    enable_nav_sidebar = False

    def admin_view(self, view, cacheable=False):
        return super().admin_view(refuse_malformed_input(view), cacheable)

    def get_urls(self):
        # Django's "view on site" shortcut redirects to any object's public address without asking whether the
        # user may see the object: a draft's slug would reach a moderator. This one asks the object's admin first.
        return [
            path("r/<path:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site), name="view_on_site")
            if getattr(pattern, "name", None) == "view_on_site"
            else pattern
            for pattern in super().get_urls()
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """Redirect to the object's public address, for those who may view the object in the admin; 404 for others
        (the same answer as for an object that does not exist)."""
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
            model_admin = self.get_model_admin(model)
        except (ValueError, OverflowError, ContentType.DoesNotExist, NotRegistered):
            raise Http404("No such object.") from None
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise Http404("No such object.")
        return shortcut(request, content_type_id, object_id)

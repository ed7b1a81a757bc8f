"""Author profiles in the admin: editors keep everyone's, and every staff author their own (``mine/`` opens it,
created the first time)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import path
from django.utils.html import format_html

from ..models import Author
from .images import ImageRenditionsNoticeMixin
from .widgets import IMAGE_FIELD_OVERRIDES


@admin.register(Author)
class AuthorAdmin(ImageRenditionsNoticeMixin, admin.ModelAdmin):
    list_display = ["__str__", "display_name", "author_page"]
    list_select_related = ["user"]
    search_fields = ["display_name", "slug", "user__first_name", "user__last_name", "user__username"]
    fieldsets = [
        (None, {"fields": ["user", "display_name", "slug", "bio"]}),
        ("Photo", {"fields": ["photo", "photo_alt"]}),
    ]
    formfield_overrides = IMAGE_FIELD_OVERRIDES

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [path("mine/", self.admin_site.admin_view(self.mine_view), name=f"{info}_mine"), *super().get_urls()]

    def mine_view(self, request):
        """The signed-in staff member's own profile, made the first time they open it, at an address of its own
        (the link on the admin home)."""
        author = Author.objects.for_user(request.user)
        return self.change_view(request, str(author.pk))

    def get_queryset(self, request):
        authors = super().get_queryset(request)
        if super().has_view_or_change_permission(request):
            return authors
        return authors.filter(user=request.user)

    def _is_own(self, request, obj) -> bool:
        return obj is not None and obj.user_id == request.user.pk

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self._is_own(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self._is_own(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Staff members who have no profile yet; shown by login name, as the admin knows them.
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, author_profile__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Author page")
    def author_page(self, author):
        if url := author.get_absolute_url():
            return format_html('<a href="{}">{}</a>', url, url)
        return "None: no public name yet"

"""The article admin: the list, the change form with its inlines, and the bulk publish and unpublish actions."""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.forms.utils import ErrorList
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import ngettext

from .. import publishing
from ..models import Article, FeaturedTrack, Section
from ..placeholders import fill_article_placeholders, placeholders_left
from .columns import ArticleColumnsMixin
from .django_internals import LinkedFormsetsMixin
from .editorial import EditorialAdminMixin
from .forms import PUBLISH
from .images import ImageRenditionsNoticeMixin
from .inlines import PLACEHOLDERS_LEFT, FeaturedTrackInline, SectionInline
from .placeholders import placeholders_with_fields
from .widgets import IMAGE_FIELD_OVERRIDES, ValidatedAutocompleteAdminMixin


class ScheduleFilter(admin.SimpleListFilter):
    title = "schedule"
    parameter_name = "schedule"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming")]

    def queryset(self, request, queryset):
        if self.value() == "upcoming":
            return queryset.upcoming()
        return queryset


@admin.register(Article)
class ArticleAdmin(
    LinkedFormsetsMixin,
    ValidatedAutocompleteAdminMixin,
    EditorialAdminMixin,
    ArticleColumnsMixin,
    ImageRenditionsNoticeMixin,
    admin.ModelAdmin,
):
    list_display = ["title", "work", "publication", "author_name", "last_saved"]
    list_filter = ["status", ScheduleFilter, "work", "composers", "tags"]
    list_select_related = ["work", "author__author_profile"]
    search_fields = ["title", "standfirst", "work__title", "composers__name"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["work", "composers"]
    inlines = [SectionInline, FeaturedTrackInline]
    save_on_top = True
    actions = ["publish", "unpublish"]
    readonly_fields = ["author", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "work", "composers", "tags"]}),
        ("Cover image", {"fields": ["cover", "cover_alt"]}),
        ("Publishing", {"fields": ["status", "publish_at", "comments_open", "seo_description"]}),
        ("History", {"classes": ["collapse"], "fields": ["author", "created_at", "updated_at"]}),
    ]
    formfield_overrides = IMAGE_FIELD_OVERRIDES

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        fill_article_placeholders(form.instance)

    def link_formsets(self, request, formsets):
        """On a POST, the sections' formset refuses placeholders left once it can see the featured tracks and the
        composers chosen (ArticleSectionFormSet)."""
        by_model = {formset.model: formset for formset in formsets}
        if request.method == "POST" and Section in by_model and FeaturedTrack in by_model:
            by_model[Section].featured_tracks_formset = by_model[FeaturedTrack]
            by_model[Section].composer_ids = tuple(request.POST.getlist("composers"))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        formsets = {inline.formset.model: inline.formset for inline in context["inline_admin_formsets"]}
        refused = getattr(formsets.get(Section), "placeholders_refused", None)
        if refused:
            left, rows = refused, formsets[Section].forms_in_order
            # Said once, by the list of placeholders above the fields, not again by the errors' count.
            errors = context["errors"].data
            context["errors"] = ErrorList([e for e in errors if getattr(e, "code", "") != PLACEHOLDERS_LEFT])
        elif obj and request.method == "GET":
            # On a POST the article's fields hold what was submitted, its sections what is saved: list only all-saved.
            left = placeholders_left(obj)
            rows = {name: formsets[model].forms for name, model in INLINE_ROWS.items() if model in formsets}
        else:
            left, rows = [], {}
        context["placeholders_left"] = placeholders_with_fields(left, form, rows)
        # What the refused save would have done to the article: "published" or "scheduled".
        context["placeholders_refused"] = form.instance.get_status_display().lower() if refused else ""
        context["publish_label"] = publish_label(form.initial, is_popup=context["is_popup"])
        context["show_save_and_add_another"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if PUBLISH in request.POST and IS_POPUP_VAR not in request.POST:
            return self.published_response(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if PUBLISH in request.POST and IS_POPUP_VAR not in request.POST:
            return self.published_response(request, obj)
        return super().response_change(request, obj)

    def published_response(self, request, article):
        """After the form's Publish (or Schedule) button: say so, and stay on the article."""
        if article.is_public:
            message = format_html(
                '“{}” is published: <a href="{}">view it on the site</a>.', article, article.get_absolute_url()
            )
        else:
            message = format_html(
                "“{}” is scheduled for {}.", article, date_format(localtime(article.publish_at), "j F Y, H:i")
            )
        self.message_user(request, message, messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)

    @admin.action(description="Publish selected articles now", permissions=["change"])
    def publish(self, request, queryset):
        publication = publishing.publish(queryset, by=request.user, comment="Published with the bulk action.")
        count, refused = publication.count, publication.refused
        if count or not refused:
            self.message_user(
                request, ngettext("%d article published.", "%d articles published.", count) % count, messages.SUCCESS
            )
        if refused:
            self.message_user(request, refused_publishing_message(refused), messages.WARNING)

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = publishing.unpublish(queryset, by=request.user, comment="Unpublished with the bulk action.")
        self.message_user(
            request, ngettext("%d article unpublished.", "%d articles unpublished.", count) % count, messages.SUCCESS
        )


INLINE_ROWS = {"sections": Section, "featured_tracks": FeaturedTrack}


def publish_label(initial: dict, *, is_popup: bool) -> str:
    """The change form's Publish button, for a draft: "Schedule" when its publish time is still to come."""
    if is_popup or initial.get("status", Article.Status.DRAFT) != Article.Status.DRAFT:
        return ""
    publish_at = initial.get("publish_at")
    return "Schedule" if publish_at and publish_at > timezone.now() else "Publish"


def refused_publishing_message(refused: dict[Article, list]) -> str:
    count = len(refused)
    lines = "; ".join(f"“{article}”: {', '.join(map(str, left))}" for article, left in refused.items())
    return ngettext(
        "%(count)d article was not published, because placeholders are left in it: %(lines)s.",
        "%(count)d articles were not published, because placeholders are left in them: %(lines)s.",
        count,
    ) % {"count": count, "lines": lines}

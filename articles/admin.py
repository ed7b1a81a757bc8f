from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, Value, When
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext

from soundtrack_site.pagecache import content_changed

from .models import MAX_POSITION, Article, Composer, FeaturedTrack, Section, Track, Work


class TrackInline(admin.TabularInline):
    model = Track
    extra = 1
    fields = ["position", "title", "duration", "composers"]
    autocomplete_fields = ["composers"]


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "year", "track_count"]
    list_filter = ["kind"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [TrackInline]
    fieldsets = [
        (None, {"fields": ["kind", "title", "year", "slug"]}),
        ("External identifiers", {"fields": ["musicbrainz_id", "wikidata_id", "imdb_id", "igdb_slug"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(track_total=Count("tracks"))

    @admin.display(description="Tracks", ordering="track_total")
    def track_count(self, work):
        return work.track_total


@admin.register(Composer)
class ComposerAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "bio"]}),
        ("External identifiers", {"fields": ["musicbrainz_id", "wikidata_id", "imdb_id"]}),
    ]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["title", "work", "position", "duration"]
    list_select_related = ["work"]
    search_fields = ["title", "work__title"]
    autocomplete_fields = ["work", "composers"]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset.select_related("work"), search_term)


POSITION_SHIFT = MAX_POSITION + 1


class PositionedInlineForm(forms.ModelForm):
    """Positions are checked across the whole formset instead of row by row against the database,
    so that two rows can swap places in one save."""

    def validate_unique(self):
        self._validate_against_database("validate_unique")

    def validate_constraints(self):
        self._validate_against_database("validate_constraints")

    def _validate_against_database(self, method):
        try:
            getattr(self.instance, method)(exclude=self._get_validation_exclusions() | {"position"})
        except ValidationError as error:
            self._update_errors(error)


class PositionedInlineFormSet(BaseInlineFormSet):
    """Ordered rows with unique positions that editors may reorder freely in one save."""

    def save(self, commit=True):
        if commit and self.instance.pk:
            moving = [
                form.instance.pk
                for form in self.initial_forms
                if "position" in form.changed_data and not self._should_delete_form(form)
            ]
            # Park the moving rows out of the way first, so no intermediate state repeats a position.
            self.model.objects.filter(pk__in=moving).update(position=F("position") + POSITION_SHIFT)
        return super().save(commit)


class SectionInline(admin.StackedInline):
    model = Section
    form = PositionedInlineForm
    formset = PositionedInlineFormSet
    extra = 0
    fields = [("position", "numbered"), "heading", "body"]


class FeaturedTrackInline(admin.StackedInline):
    model = FeaturedTrack
    form = PositionedInlineForm
    formset = PositionedInlineFormSet
    extra = 0
    fields = [("position", "track"), "section", "note", ("appears_in", "timestamp"), "listening_url"]
    autocomplete_fields = ["track"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            # Only the sections of the article being edited (none yet on a new article).
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Section.objects.filter(article_id=object_id) if object_id else Section.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "work", "status_label", "publish_at", "author", "updated_at"]
    list_filter = ["status", "work", "composers", "tags"]
    list_select_related = ["work", "author"]
    search_fields = ["title", "standfirst", "work__title", "composers__name"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["work", "composers"]
    inlines = [SectionInline, FeaturedTrackInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["author", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "work", "composers", "tags"]}),
        ("Publishing", {"fields": ["status", "publish_at", "comments_open", "seo_description"]}),
        ("History", {"classes": ["collapse"], "fields": ["author", "created_at", "updated_at"]}),
    ]

    @admin.display(description="Status", ordering="status")
    def status_label(self, article):
        if article.status == Article.Status.SCHEDULED and article.is_public:
            return format_html("<span title='{}'>Published (scheduled)</span>", article.publish_at)
        return article.get_status_display()

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected articles now", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        # One UPDATE: a second one would re-apply the changelist's filters (a date drill-down on publish_at)
        # after the first had moved publish_at, and miss the very rows it should publish.
        count = queryset.update(
            status=Article.Status.PUBLISHED,
            publish_at=Case(When(publish_at__lte=now, then=F("publish_at")), default=Value(now)),
            updated_at=now,
        )
        content_changed()  # an update() sends no signals
        self.message_user(
            request, ngettext("%d article published.", "%d articles published.", count) % count, messages.SUCCESS
        )

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(status=Article.Status.DRAFT, updated_at=timezone.now())
        content_changed()
        self.message_user(
            request, ngettext("%d article unpublished.", "%d articles unpublished.", count) % count, messages.SUCCESS
        )

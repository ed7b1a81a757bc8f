"""The catalogue's admin: works with their soundtrack's tracks inline (and their import from MusicBrainz:
``musicbrainz``), composers, tracks."""

from django.contrib import admin
from django.db.models import Count

from ..models import Composer, Track, Work
from .images import ImageRenditionsNoticeMixin
from .inlines import TrackInline
from .musicbrainz import MusicBrainzImportMixin
from .widgets import IMAGE_FIELD_OVERRIDES, ValidatedAutocompleteAdminMixin


@admin.register(Work)
class WorkAdmin(MusicBrainzImportMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "year", "track_count"]
    list_filter = ["kind"]
    search_fields = ["title"]
    ordering = ["title", "year"]  # a grouped (annotated) queryset ignores Meta.ordering; autocomplete pages it
    prepopulated_fields = {"slug": ["title"]}
    inlines = [TrackInline]
    fieldsets = [
        (None, {"fields": ["kind", "title", "year", "slug"]}),
        (
            "External identifiers",
            {"fields": ["musicbrainz_id", "musicbrainz_release_id", "wikidata_id", "imdb_id", "igdb_slug"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(track_total=Count("tracks"))

    @admin.display(description="Tracks", ordering="track_total")
    def track_count(self, work):
        return work.track_total


@admin.register(Composer)
class ComposerAdmin(ImageRenditionsNoticeMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "bio"]}),
        ("Photo", {"fields": ["photo", "photo_alt"]}),
        ("External identifiers", {"fields": ["musicbrainz_id", "wikidata_id", "imdb_id"]}),
    ]
    formfield_overrides = IMAGE_FIELD_OVERRIDES


@admin.register(Track)
class TrackAdmin(ValidatedAutocompleteAdminMixin, admin.ModelAdmin):
    list_display = ["title", "work", "position", "duration"]
    list_select_related = ["work"]
    search_fields = ["title", "work__title"]
    autocomplete_fields = ["work", "composers"]

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset.select_related("work"), search_term)

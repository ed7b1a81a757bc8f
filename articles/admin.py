import taggit.admin
import taggit.models
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, ImageField
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import ngettext

from . import publishing
from .admin_widgets import ValidatedAutocompleteAdminMixin
from .admin_workflow import MARKDOWN_TEXTAREAS, EditorialAdminMixin, ScheduleFilter
from .forms import ArticleFromTemplateForm
from .models import (
    MAX_POSITION,
    Article,
    ArticleTemplate,
    ArticleTemplateSection,
    Composer,
    FeaturedTrack,
    Section,
    Track,
    Work,
)
from .placeholders import ArticleText, fill_article_placeholders, placeholders_left, structured_fills

# The file picker offers only the types the site accepts (the content is checked on upload all the same).
IMAGE_FIELD_OVERRIDES = {ImageField: {"widget": AdminFileWidget(attrs={"accept": "image/jpeg,image/png,image/webp"})}}


class TrackInline(ValidatedAutocompleteAdminMixin, admin.TabularInline):
    model = Track
    extra = 1
    fields = ["position", "title", "duration", "composers"]
    autocomplete_fields = ["composers"]


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "year", "track_count"]
    list_filter = ["kind"]
    search_fields = ["title"]
    ordering = ["title", "year"]  # a grouped (annotated) queryset ignores Meta.ordering; autocomplete pages it
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


def submitted_rows(formset) -> list[dict]:
    """The cleaned rows a valid formset saves, in the order of their positions (rows without one go last)."""
    rows = [form.cleaned_data for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
    return sorted(rows, key=lambda row: (row.get("position") is None, row.get("position") or 0))


def database_ids(values) -> list[int]:
    """The posted values that can be ids (the form reports the others); a 20-digit number overflows SQLite."""
    return [int(value) for value in values if value.isascii() and value.isdigit() and int(value) < 2**63]


class ArticleSectionFormSet(PositionedInlineFormSet):
    """An article's sections. Once the article's fields, these sections and the featured tracks are valid, a
    publish or schedule of a text with placeholders left is refused here (ArticleAdmin._create_formsets links
    the featured tracks): Django validates the form and each formset apart, and has no hook for the whole."""

    featured_tracks_formset = None
    composer_ids: tuple[str, ...] = ()

    def clean(self):
        super().clean()
        featured_tracks = self.featured_tracks_formset
        if (
            featured_tracks is None
            or self.instance.status == Article.Status.DRAFT
            or any(self.errors)
            or not featured_tracks.is_valid()
        ):
            return
        if left := self.submitted_text().placeholders():
            self.placeholders_refused = left
            raise ValidationError(
                "An article with placeholders left cannot be published or scheduled. Replace them, or save the "
                "article as a draft: %(placeholders)s.",
                code="placeholders_left",
                params={"placeholders": "; ".join(map(str, left))},
            )

    def submitted_text(self) -> ArticleText:
        """The article's text as it would be saved, placeholders its work, composers and tracks answer filled."""
        article, sections, tracks = self.instance, submitted_rows(self), submitted_rows(self.featured_tracks_formset)
        text = ArticleText(
            title=article.title,
            standfirst=article.standfirst,
            sections=[(row["heading"], row["body"]) for row in sections],
            notes=[row.get("note", "") for row in tracks],
            seo_description=article.seo_description,
        )
        composers = Composer.objects.filter(pk__in=database_ids(self.composer_ids))
        fills = structured_fills(
            work_title=article.work.title if article.work_id else "",
            composer_names=[composer.name for composer in composers],
            track_titles=text.tracks_not_named([row["track"].title for row in tracks]),
        )
        return text.filled(fills)


class SectionInline(admin.StackedInline):
    model = Section
    formfield_overrides = MARKDOWN_TEXTAREAS
    form = PositionedInlineForm
    formset = ArticleSectionFormSet
    extra = 0
    fields = [("position", "numbered"), "heading", "body"]


class FeaturedTrackInline(ValidatedAutocompleteAdminMixin, admin.StackedInline):
    model = FeaturedTrack
    formfield_overrides = MARKDOWN_TEXTAREAS
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
class ArticleAdmin(ValidatedAutocompleteAdminMixin, EditorialAdminMixin, admin.ModelAdmin):
    list_display = ["title", "work", "status_label", "publish_at", "author", "updated_at"]
    list_filter = ["status", ScheduleFilter, "work", "composers", "tags"]
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
        ("Cover image", {"fields": ["cover", "cover_alt"]}),
        ("Publishing", {"fields": ["status", "publish_at", "comments_open", "seo_description"]}),
        ("History", {"classes": ["collapse"], "fields": ["author", "created_at", "updated_at"]}),
    ]
    formfield_overrides = IMAGE_FIELD_OVERRIDES

    @admin.display(description="Status", ordering="status")
    def status_label(self, article):
        if article.status == Article.Status.SCHEDULED and article.is_public:
            return format_html("<span title='{}'>Published (scheduled)</span>", article.publish_at)
        return article.get_status_display()

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        fill_article_placeholders(form.instance)

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        by_model = {formset.model: formset for formset in formsets}
        if request.method == "POST" and Section in by_model and FeaturedTrack in by_model:
            by_model[Section].featured_tracks_formset = by_model[FeaturedTrack]
            by_model[Section].composer_ids = tuple(request.POST.getlist("composers"))
        return formsets, inline_instances

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        sections = next(
            (inline.formset for inline in context["inline_admin_formsets"] if inline.formset.model is Section), None
        )
        refused = getattr(sections, "placeholders_refused", None)
        context["placeholders_refused"] = bool(refused)
        # On a POST the article's fields hold what was submitted, its sections what is saved: list only all-saved.
        context["placeholders_left"] = refused or (placeholders_left(obj) if obj and request.method == "GET" else [])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        from_template = self.admin_site.admin_view(self.add_from_template_view)
        return [
            path("from-template/", from_template, name="articles_article_from_template"),
            *super().get_urls(),
        ]

    def add_from_template_view(self, request):
        """Create a draft from a template and the work it is about, then edit it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleFromTemplateForm(
            request.POST or None, initial={"template": request.GET.get("template")}, admin_site=self.admin_site
        )
        if form.is_valid():
            template = form.cleaned_data["template"]
            article = template.create_article(work=form.cleaned_data["work"], author=request.user)
            self.log_addition(request, article, [{"added": {}}])
            self.message_user(
                request,
                f"The draft “{article}” was created from the template “{template}”. Replace the placeholders "
                "listed below: choosing the composers and featured tracks fills some of them when you save.",
                messages.SUCCESS,
            )
            return redirect("admin:articles_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "New article from a template",
            "form": form,
            "templates": ArticleTemplate.objects.prefetch_related("sections"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/articles/article/from_template.html", context)

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


def refused_publishing_message(refused: dict[Article, list]) -> str:
    count = len(refused)
    lines = "; ".join(f"“{article}”: {', '.join(map(str, left))}" for article, left in refused.items())
    return ngettext(
        "%(count)d article was not published, because placeholders are left in it: %(lines)s.",
        "%(count)d articles were not published, because placeholders are left in them: %(lines)s.",
        count,
    ) % {"count": count, "lines": lines}


class ArticleTemplateSectionInline(admin.StackedInline):
    model = ArticleTemplateSection
    form = PositionedInlineForm
    formset = PositionedInlineFormSet
    extra = 0
    fields = [("position", "numbered"), "heading", "body"]


@admin.register(ArticleTemplate)
class ArticleTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "section_count", "new_article_link"]
    search_fields = ["name", "description"]
    fields = ["name", "description", "title", "standfirst", "suggested_tags"]
    inlines = [ArticleTemplateSectionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(section_total=Count("sections"))

    @admin.display(description="Sections", ordering="section_total")
    def section_count(self, template):
        return template.section_total

    @admin.display(description="New article")
    def new_article_link(self, template):
        url = reverse("admin:articles_article_from_template")
        return format_html('<a href="{}?template={}">New article from this template</a>', url, template.pk)


class TagAdmin(taggit.admin.TagAdmin):
    """django-taggit's "merge tags" page only asks for a staff member: merging rewrites every article's tags, so it
    needs the right to change tags, and a merge with no tags selected is sent back instead of failing."""

    def merge_tags_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        selected = request.session.get("selected_tag_ids", "").split(",")
        if request.method == "POST" and not all(tag_id.isdigit() for tag_id in selected):
            messages.error(request, "Select the tags to merge in the list first, then choose “Merge selected tags”.")
            return redirect("admin:taggit_tag_changelist")
        return super().merge_tags_view(request)


admin.site.unregister(taggit.models.Tag)
admin.site.register(taggit.models.Tag, TagAdmin)

"""The inlines of the admin: ordered rows (an article's sections and featured tracks, a template's sections) that
editors may reorder in one save, and a work's tracks."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst

from ..models import MAX_POSITION, Article, ArticleTemplateSection, Composer, FeaturedTrack, Section, Track
from ..placeholders import ArticleText, structured_fills
from .django_internals import add_model_errors, marked_for_deletion, validation_exclusions
from .widgets import MARKDOWN_TEXTAREAS, ValidatedAutocompleteAdminMixin

POSITION_SHIFT = MAX_POSITION + 1
PLACEHOLDERS_LEFT = "placeholders_left"  # the code of the error that refuses to publish them


class PositionedInlineForm(forms.ModelForm):
    """Positions are checked across the whole formset instead of row by row against the database,
    so that two rows can swap places in one save."""

    def validate_unique(self):
        self._validate_against_database("validate_unique")

    def validate_constraints(self):
        self._validate_against_database("validate_constraints")

    def _validate_against_database(self, method):
        try:
            getattr(self.instance, method)(exclude=validation_exclusions(self) | {"position"})
        except ValidationError as error:
            add_model_errors(self, error)


class PositionedInlineFormSet(BaseInlineFormSet):
    """Ordered rows with unique positions that editors may reorder freely in one save."""

    def save(self, commit=True):
        if commit and self.instance.pk:
            moving = [
                form.instance.pk
                for form in self.initial_forms
                if "position" in form.changed_data or marked_for_deletion(self, form)
            ]
            # Park the moving rows, and those about to go, out of the way first: rows are saved and deleted in the
            # form's order, and no state in between may repeat a position.
            self.model.objects.filter(pk__in=moving).update(position=F("position") + POSITION_SHIFT)
        return super().save(commit)


def submitted_forms(formset) -> list[forms.BaseForm]:
    """The forms of the rows a valid formset saves, in the order of their positions (rows without one go last)."""
    kept = [form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
    return sorted(
        kept, key=lambda form: (form.cleaned_data.get("position") is None, form.cleaned_data.get("position") or 0)
    )


def database_ids(values) -> list[int]:
    """The posted values that can be ids (the form reports the others); a 20-digit number overflows SQLite."""
    return [int(value) for value in values if value.isascii() and value.isdigit() and int(value) < 2**63]


class ArticleSectionFormSet(PositionedInlineFormSet):
    """An article's sections. Once the article's fields, these sections and the featured tracks are valid, a
    publish or schedule of a text with placeholders left is refused here (ArticleAdmin.link_formsets() links
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
                code=PLACEHOLDERS_LEFT,
                params={"placeholders": "; ".join(map(str, left))},
            )

    def submitted_text(self) -> ArticleText:
        """The article's text as it would be saved, placeholders its work, composers and tracks answer filled."""
        # The forms in reading order, as the placeholders' places count them (ArticleAdmin links to their fields).
        self.forms_in_order = {
            "sections": submitted_forms(self),
            "featured_tracks": submitted_forms(self.featured_tracks_formset),
        }
        article = self.instance
        sections, tracks = ([form.cleaned_data for form in kept] for kept in self.forms_in_order.values())
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


COLLAPSIBLE_ROWS = "admin/articles/article/edit_inline/collapsible_stacked.html"


class SectionInline(admin.StackedInline):
    model = Section
    template = COLLAPSIBLE_ROWS
    formfield_overrides = MARKDOWN_TEXTAREAS
    form = PositionedInlineForm
    formset = ArticleSectionFormSet
    extra = 0
    fields = [("position", "numbered"), "heading", "body"]


class FeaturedTrackInline(ValidatedAutocompleteAdminMixin, admin.StackedInline):
    model = FeaturedTrack
    template = COLLAPSIBLE_ROWS
    formfield_overrides = MARKDOWN_TEXTAREAS
    form = PositionedInlineForm
    formset = PositionedInlineFormSet
    extra = 0
    fields = [("position", "track"), "section", "note", ("appears_in", "moments"), "listening_url"]
    autocomplete_fields = ["track"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":
            # Only the sections of the article being edited (none yet on a new article).
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Section.objects.filter(article_id=object_id) if object_id else Section.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ArticleTemplateSectionInline(admin.StackedInline):
    model = ArticleTemplateSection
    form = PositionedInlineForm
    formset = PositionedInlineFormSet
    extra = 0
    fields = [("position", "numbered"), "heading", "body"]


class TrackInline(ValidatedAutocompleteAdminMixin, admin.TabularInline):
    model = Track
    extra = 1
    fields = ["position", "title", "duration", "isrc", "composers"]
    autocomplete_fields = ["composers"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and not formfield.widget.is_hidden:
            # A table's inputs have no <label> of their own: each is named after its column.
            formfield.widget.attrs.setdefault("aria-label", capfirst(db_field.verbose_name))
        return formfield

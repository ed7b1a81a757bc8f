"""An article as readers would see it, built from the change form's unsaved data; nothing is written."""

from collections.abc import Iterable

from django.forms import BaseForm, BaseFormSet
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.text import slugify
from taggit.models import Tag

from .models import Article, FeaturedTrack, Section


class Rows:
    """Stands in for a related manager in templates: ``all()`` gives the unsaved rows."""

    def __init__(self, rows: Iterable):
        self._rows = list(rows)

    def all(self) -> list:
        return self._rows


class ArticlePreview:
    """An unsaved article read like a saved one, with its unsaved sections, featured tracks, composers and tags.

    Everything else is the article's own: the numbering, word count and listening time are Article's code.
    """

    numbered_sections = Article.numbered_sections
    word_count = Article.word_count
    reading_minutes = Article.reading_minutes
    listening_minutes = Article.listening_minutes
    is_public = False

    def __init__(self, article: Article, *, sections, featured_tracks, composers, tags, errors: list[str]):
        self.article = article
        self.sections = Rows(sections)
        self.featured_tracks = Rows(featured_tracks)
        self.composers = Rows(composers)
        self.tags = Rows(tags)
        self.errors = errors

    def __getattr__(self, name):
        return getattr(self.article, name)

    @classmethod
    def from_forms(cls, form: BaseForm, formsets: list[BaseFormSet], *, author) -> "ArticlePreview":
        """The article the admin's form and inline formsets would save. Fields with errors keep their saved
        values (or none); the errors are listed for the preview to show."""
        form.is_valid()  # builds form.instance from every valid field
        article = form.instance
        if article.author_id is None:
            article.author = author  # as saving would
        article.render_html()
        errors = _errors(form)
        parts = {Section: [], FeaturedTrack: []}
        for formset in formsets:
            parts[formset.model] = _rows(formset)
            errors += [str(error) for error in formset.non_form_errors()]
            for number, inline_form in enumerate(formset.forms, start=1):
                errors += _errors(inline_form, f"{formset.model._meta.verbose_name.capitalize()} {number}: ")

        sections = _in_order(parts[Section])
        for section in sections:
            section.render_html()
        by_pk = {section.pk: section for section in sections if section.pk}
        featured_tracks = _in_order(featured for featured in parts[FeaturedTrack] if featured.track_id)
        for featured in featured_tracks:
            featured.section = by_pk.get(featured.section_id)  # the section as edited, or none if removed
            featured.render_html()

        saved = article.pk is not None
        composers = form.cleaned_data.get("composers", article.composers.all() if saved else [])
        tag_names = form.cleaned_data.get("tags", article.tags.names() if saved else [])
        return cls(
            article,
            sections=sections,
            featured_tracks=featured_tracks,
            composers=composers,
            tags=_tags(tag_names),
            errors=errors,
        )


def _rows(formset: BaseFormSet) -> list:
    """The rows the formset would keep: not deleted, and not an untouched blank form."""
    formset.is_valid()
    return [
        form.instance
        for form in formset.forms
        if (form.instance.pk is not None or form.has_changed())
        and not form.cleaned_data.get(DELETION_FIELD_NAME, False)
    ]


def _in_order(rows: Iterable) -> list:
    """Rows sorted by position; those left without one go last, as saving would place them."""
    rows = list(rows)
    last = max((row.position for row in rows if row.position is not None), default=0)
    for row in rows:
        if row.position is None:
            last += 1
            row.position = last
    return sorted(rows, key=lambda row: row.position)


def _tags(names: Iterable[str]) -> list[Tag]:
    """Known tags as they are; new names as unsaved tags."""
    names = sorted(set(names), key=str.lower)
    known = {tag.name.lower(): tag for tag in Tag.objects.filter(name__in=names)}
    return [known.get(name.lower()) or Tag(name=name, slug=slugify(name) or "tag") for name in names]


def _errors(form: BaseForm, prefix: str = "") -> list[str]:
    messages = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label or name}: " if field is not None else ""
        messages += [f"{prefix}{label}{error}" for error in errors]
    return messages

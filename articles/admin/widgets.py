"""The admin's widgets: Markdown textareas with a live preview, image pickers, autocomplete fields that survive a
posted value that is not an id (``work=abc``, a twenty-digit number), and the tags input with suggestions."""

from django.contrib.admin.widgets import (
    AdminFileWidget,
    AdminTextareaWidget,
    AutocompleteSelect,
    AutocompleteSelectMultiple,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import Media, ModelMultipleChoiceField
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from taggit.forms import TagWidget
from taggit.models import Tag

from .django_internals import ValuesCheckedFirstMixin


class MarkdownTextarea(AdminTextareaWidget):
    """A Markdown textarea with its rendering shown beside it as the editor types (static/js/markdown-preview.js)."""

    class Media:
        js = ["js/markdown-preview.js"]
        css = {"all": ["css/admin-editorial.css"]}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-markdown-preview"] = reverse("admin:articles_article_markdown_preview")
        return context


MARKDOWN_TEXTAREAS = {models.TextField: {"widget": MarkdownTextarea}}


class LabelledFileWidget(AdminFileWidget):
    """The admin's file picker, labelled by the field's own <label> rather than a fieldset's legend, which leaves the
    file input itself without a name (the "clear" checkbox keeps its label)."""

    use_fieldset = False


# The file picker offers only the types the site accepts (the content is checked on upload all the same).
IMAGE_FIELD_OVERRIDES = {
    models.ImageField: {"widget": LabelledFileWidget(attrs={"accept": "image/jpeg,image/png,image/webp"})}
}


def is_key(field, value) -> bool:
    """Whether ``value`` can be stored in ``field``: for an integer key, a number within the database's range."""
    try:
        field.run_validators(field.to_python(value))
    except (ValidationError, TypeError, ValueError):
        return False
    return True


class RangeCheckedModelMultipleChoiceField(ValuesCheckedFirstMixin, ModelMultipleChoiceField):
    """Django looks the posted values up in one ``IN`` query, which SQLite answers with an error for a number past
    64 bits: such a value is refused first, like any other that is not an id."""

    def check_posted_values(self, value):
        meta = self.queryset.model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        for pk in value:
            self.validate_no_null_characters(pk)
            if not is_key(key, pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )


class ValidatedChoicesMixin:
    """Django's autocomplete widgets look the posted values up to show them again, and a value that is not an id
    fails that query with an error page. The form already says why it refused the value; the widget shows nothing
    for it."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        return super().optgroups(name, [v for v in value if is_key(target, v)], attr)


class LabelledSearchMixin:
    """select2's own boxes get the field's name (static/js/autocomplete-labels.js, run after the admin's scripts)."""

    @property
    def media(self):
        after = ["admin/js/jquery.init.js", "admin/js/autocomplete.js", "js/autocomplete-labels.js"]
        return super().media + Media(js=after)


class ValidatedAutocompleteSelect(LabelledSearchMixin, ValidatedChoicesMixin, AutocompleteSelect):
    pass


class ValidatedAutocompleteSelectMultiple(LabelledSearchMixin, ValidatedChoicesMixin, AutocompleteSelectMultiple):
    def build_attrs(self, base_attrs, extra_attrs=None):
        # Each choice has its own remove button; select2's "clear all" would sit in its list of choices as a stray
        # element that assistive technologies read as a broken list.
        return {**super().build_attrs(base_attrs, extra_attrs), "data-allow-clear": "false"}


class ValidatedAutocompleteAdminMixin:
    """For a ModelAdmin or an inline: its ``autocomplete_fields`` get the widgets and field above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidatedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ValidatedAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
            kwargs.setdefault("form_class", RangeCheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TagsWithSuggestions(TagWidget):
    """django-taggit's tags input, with the names of the tags there are suggested as the editor types each one
    (static/js/tag-suggestions.js fills a <datalist> from them), so near-duplicates are not made by typing."""

    class Media:
        js = ["js/tag-suggestions.js"]

    def render(self, name, value, attrs=None, renderer=None):
        """The input, and a <datalist> of every tag's name: what the browser offers for the first tag without
        JavaScript, and what the script offers from for each next one."""
        suggestions = f"{(attrs or {}).get('id') or f'id_{name}'}-suggestions"
        attrs = (attrs or {}) | {"list": suggestions, "data-tag-suggestions": ""}
        names = Tag.objects.order_by("name").values_list("name", flat=True)
        options = format_html_join("", '<option value="{}"></option>', ((tag_name,) for tag_name in names))
        return super().render(name, value, attrs, renderer) + format_html(
            '<datalist id="{}">{}</datalist>', suggestions, options
        )

"""The model fields of what editors type in a shape of its own: multi-line text (Markdown of standfirsts, sections,
notes, biographies, and templates' texts) and the moments a featured track plays."""

from django import forms
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Replace
from django.utils.text import normalize_newlines

from . import moments


class MultilineTextFormField(forms.CharField):
    """A textarea's text with LF line endings: browsers send CR LF, and a form that kept them would see every
    textarea as changed against the stored text."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_newlines(value) if value else value


class MultilineTextField(models.TextField):
    """A TextField stored with LF line endings, however the text came in (a browser's CR LF, a file's LF).

    Normalised on every save, whatever the path (the admin, a template, the demo loader, an import, the shell),
    and in every form built from the field; so one text is stored one way, and a revision differs from the one
    before it only where the words do.
    """

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value and "\r" in value:
            value = normalize_newlines(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MultilineTextFormField, **kwargs})


def normalise_line_endings(queryset: models.QuerySet, field_name: str) -> int:
    """Store the rows' ``field_name`` with LF line endings, in one UPDATE (no save, no signal), for rows a raw save
    wrote (a revision restored); return how many rows it changed."""
    lf = Value("\n")
    normalised = Replace(Replace(F(field_name), Value("\r\n"), lf), Value("\r"), lf)
    return queryset.filter(**{f"{field_name}__contains": "\r"}).update(**{field_name: normalised})


class MomentsFormField(forms.CharField):
    """The moments a track plays, typed as times: "0:34:10, 1:41:05"; a time that cannot be read is named."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(moments.clock(moment) for moment in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return moments.parse_moments(text) if text else []

    def has_changed(self, initial, data):
        try:
            return (initial or []) != self.to_python(data)
        except forms.ValidationError:
            return True


class MomentsField(models.JSONField):
    """Whole seconds from the start of a work (``articles.moments``), a list on every database; edited as times."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
        self.validators.append(moments.validate_moments)

    def formfield(self, **kwargs):
        return models.Field.formfield(self, **{"form_class": MomentsFormField, **kwargs})

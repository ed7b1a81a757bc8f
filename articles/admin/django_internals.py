"""Every use of Django's private admin and forms API in the articles admin, each with the reason it is needed.

Nothing else in this package calls or overrides a Django name that starts with an underscore. Django may change
these in any release without notice: when upgrading it, read each one against the new source first. The tests of
the change form, the preview, the reordering of inlines and the autocomplete fields exercise every one.
"""

from django.contrib.admin import ModelAdmin
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, BaseModelForm, Form


class LinkedFormsetsMixin:
    """For a ModelAdmin whose inline formsets must see one another while they are validated.

    Django validates the change form and each inline formset apart and has no public hook that gets them all
    before validation. ``ModelAdmin._create_formsets()`` builds them for the change view (and, below, for the
    preview), so it is where ``link_formsets()`` is called.
    """

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        self.link_formsets(request, formsets)
        return formsets, inline_instances

    def link_formsets(self, request, formsets: list[BaseFormSet]) -> None:
        """Give the formsets what they need of one another (nothing by default)."""


def create_formsets(model_admin: ModelAdmin, request, obj, *, change: bool) -> list[BaseFormSet]:
    """The inline formsets exactly as the change view builds them from the request, linked the same way.

    The preview renders unsaved changes from them; ``ModelAdmin._create_formsets()`` is the only way to get them
    with the inlines' permissions, prefixes and forms that the change view applies.
    """
    formsets, _inline_instances = model_admin._create_formsets(request, obj, change=change)
    return formsets


def validation_exclusions(form: BaseModelForm) -> set[str]:
    """The fields a model form leaves out of the model's validation: those not on the form, or already invalid.

    ``BaseModelForm._get_validation_exclusions()`` decides them; a form that validates its instance itself (to
    leave out one more field) must start from the same set, or it would check fields the form never showed.
    """
    return form._get_validation_exclusions()


def add_model_errors(form: BaseModelForm, error: ValidationError) -> None:
    """Put a model's ValidationError on the form the way Django does after ``full_clean()``.

    ``BaseModelForm._update_errors()`` maps the model's errors onto the form's fields and its non-field errors,
    with the form's own messages; the public ``add_error()`` raises for an error on a field the form lacks.
    """
    form._update_errors(error)


def marked_for_deletion(formset: BaseFormSet, form: Form) -> bool:
    """Whether the formset will delete this row when saved.

    ``BaseFormSet._should_delete_form()`` is the test the formset's own ``save()`` applies; rows that are moved
    before saving must be chosen by the same test.
    """
    return formset._should_delete_form(form)


class ValuesCheckedFirstMixin:
    """For a ModelMultipleChoiceField that refuses some posted values before Django looks them up.

    ``ModelMultipleChoiceField._check_values()`` runs the one query that finds the chosen rows, and has no public
    hook before it: ``check_posted_values()`` runs first, and raises ValidationError for a value to refuse.
    """

    def _check_values(self, value):
        self.check_posted_values(value)
        return super()._check_values(value)

    def check_posted_values(self, value) -> None:
        """Raise ValidationError for a posted value that must not reach the query (nothing by default)."""

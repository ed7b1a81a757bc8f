"""The admin's forms for articles: the change form (with its edit-conflict check), comparing two revisions and
starting an article from a template."""

from datetime import datetime

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget, RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst

from ..models import Article, ArticleTemplate, TagAlias, Work
from ..revisions import Edit, last_edit
from .widgets import MarkdownTextarea, TagsWithSuggestions, ValidatedAutocompleteSelect

PUBLISH = "_publish"  # the name of the change form's Publish (or Schedule) button


def edit_token(updated_at: datetime) -> str:
    """The edit token: which version of the article a change form was opened on (its ``updated_at``)."""
    return updated_at.isoformat()


class ArticleAdminForm(forms.ModelForm):
    """Refuses to save over a change someone else saved after this form was shown (the edit conflict).

    The form carries its edit token, the article's ``updated_at`` as it was when shown; a form that carries none
    (a script's post) is not checked. Its Publish button (named ``PUBLISH``) publishes the article as it saves it,
    or schedules it when its publish time is still to come.
    """

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        widgets = {
            "standfirst": MarkdownTextarea,
            "tags": TagsWithSuggestions,
            # Shown whole: 160 characters do not fit a one-line input.
            "seo_description": AdminTextareaWidget(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_token"].initial = edit_token(self.instance.updated_at)

    def clean_tags(self):
        """An alias typed among the tags means its tag (``articles.tags``): no near-duplicate is made by typing."""
        return TagAlias.objects.canonical_names(self.cleaned_data["tags"])

    def clean(self):
        cleaned_data = super().clean()
        if PUBLISH in self.data:
            publish_at = cleaned_data.get("publish_at")
            later = publish_at is not None and publish_at > timezone.now()
            cleaned_data["status"] = Article.Status.SCHEDULED if later else Article.Status.PUBLISHED
        shown = cleaned_data.get("edit_token")
        if self.instance.pk and shown:
            current = Article.objects.filter(pk=self.instance.pk)
            if not transaction.get_autocommit():
                current = current.select_for_update()  # the admin saves in this transaction: hold the row till then
            updated_at = current.values_list("updated_at", flat=True).first()
            if updated_at is not None and edit_token(updated_at) != shown:
                self._refuse_conflicting_save(shown, updated_at)
        return cleaned_data

    def _refuse_conflicting_save(self, shown: str, updated_at: datetime):
        # The latest revision names the editor if it was made after the version this form shows (a change made
        # outside the admin keeps none).
        edit = last_edit(self.instance)
        try:
            newer = edit is not None and edit.at > datetime.fromisoformat(shown)
        except (TypeError, ValueError):  # not an edit token this form made
            newer = False
        edit = Edit(edit.user if newer else None, updated_at)
        # Shown again, the form carries the newer edit token: saving again replaces that change with this one.
        self.data = self.data.copy()
        self.data[self.add_prefix("edit_token")] = edit_token(updated_at)
        raise ValidationError(
            "%(editor)s saved this article on %(when)s, after you opened it, so your changes were not saved. They are "
            "still in the form below: compare them with the current version (open the article in another tab), then "
            "save again to replace that version with yours.",
            code="edit_conflict",
            params={"editor": capfirst(edit.editor), "when": edit.when},
        )


class CompareForm(forms.Form):
    old = forms.ModelChoiceField(queryset=None)
    new = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old"].queryset = self.fields["new"].queryset = versions

    def clean(self):
        cleaned_data = super().clean()
        old, new = cleaned_data.get("old"), cleaned_data.get("new")
        if old and new:
            if old == new:
                raise ValidationError("Choose two different versions to compare.", code="same_version")
            if (old.revision.date_created, old.pk) > (new.revision.date_created, new.pk):
                cleaned_data["old"], cleaned_data["new"] = new, old
        return cleaned_data


class ArticleFromTemplateForm(forms.Form):
    """The admin's "New article from template": which template, and the work the article is about (a new one may be
    added from here, in the admin's popup). An article with the title the draft would get is named before another
    is made; ``create_anyway`` goes on all the same."""

    template = forms.ModelChoiceField(queryset=ArticleTemplate.objects.all(), empty_label=None)
    create_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, admin_site, can_add_work: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        work = Article._meta.get_field("work")
        self.fields["work"] = forms.ModelChoiceField(
            queryset=Work.objects.all(),
            widget=RelatedFieldWidgetWrapper(
                ValidatedAutocompleteSelect(work, admin_site),
                work.remote_field,
                admin_site,
                can_add_related=can_add_work,
            ),
            help_text="The film, TV show or game the article is about: its title replaces [title], and the composers "
            "of its tracks become the article's. Not listed yet? Add it with the + button.",
        )
        self.same_title: list[Article] = []

    def clean(self):
        cleaned_data = super().clean()
        template, work = cleaned_data.get("template"), cleaned_data.get("work")
        if template and work and not cleaned_data.get("create_anyway"):
            title = template.article_title(work)
            self.same_title = list(Article.objects.titled(title).order_by("-updated_at")[:5])
            if self.same_title:
                raise ValidationError(
                    "An article titled “%(title)s” already exists.", code="same_title", params={"title": title}
                )
        return cleaned_data

"""The editors' workflow in the article admin: previews, live Markdown, revisions, edit conflicts, the schedule.

ArticleAdmin takes it in through ``EditorialAdminMixin``; the inlines take ``MARKDOWN_TEXTAREAS``.
"""

from datetime import datetime

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.text import capfirst
from django.views.decorators.http import require_POST
from reversion.errors import RevertError

from .markup import render_markdown
from .models import Article
from .pages import article_parts
from .preview import ArticlePreview
from .revisions import Edit, Snapshot, last_edit, restore, restored_message, versions_of


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


def edit_token(updated_at: datetime) -> str:
    """The edit token: which version of the article a change form was opened on (its ``updated_at``)."""
    return updated_at.isoformat()


class ArticleAdminForm(forms.ModelForm):
    """Refuses to save over a change someone else saved after this form was shown (the edit conflict).

    The form carries its edit token, the article's ``updated_at`` as it was when shown; a form that carries none
    (a script's post) is not checked.
    """

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        widgets = {"standfirst": MarkdownTextarea}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_token"].initial = edit_token(self.instance.updated_at)

    def clean(self):
        cleaned_data = super().clean()
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


class ScheduleFilter(admin.SimpleListFilter):
    title = "schedule"
    parameter_name = "schedule"

    def lookups(self, request, model_admin):
        return [("upcoming", "Upcoming")]

    def queryset(self, request, queryset):
        if self.value() == "upcoming":
            return queryset.upcoming()
        return queryset


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


class EditorialAdminMixin:
    """For ArticleAdmin: preview, live Markdown preview, revisions (history, compare, restore), the edit conflict
    check and the editor's name beside the save buttons."""

    form = ArticleAdminForm

    def get_urls(self):
        view, info = self.admin_site.admin_view, f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("preview/", view(self.preview_view), name=f"{info}_add_preview"),
            path("markdown-preview/", view(self.markdown_preview_view), name=f"{info}_markdown_preview"),
            path("<path:object_id>/preview/", view(self.preview_view), name=f"{info}_preview"),
            path("<path:object_id>/history/compare/", view(self.compare_view), name=f"{info}_compare"),
            path("<path:object_id>/history/<int:version_id>/restore/", view(self.restore_view), name=f"{info}_restore"),
            *super().get_urls(),
        ]

    def get_fieldsets(self, request, obj=None):
        return [*super().get_fieldsets(request, obj), (None, {"fields": ["edit_token"], "classes": ["hidden"]})]

    # Every save from the change form keeps a revision, with the editor and the admin's change message.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or "Added.")
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or "No fields changed.")
        return entry

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["last_edit"] = last_edit(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _article_or_404(self, request, object_id) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(f"No article with the id “{object_id}”.")
        return article

    # Previews.

    @method_decorator(require_POST)
    def preview_view(self, request, object_id=None):
        """The public page built from the form's unsaved data (the form's Preview button posts it here)."""
        article = self._article_or_404(request, object_id) if object_id else None
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        form = self.get_form(request, article, change=article is not None)(
            request.POST, request.FILES, instance=article
        )
        form.is_valid()
        # Built as the change view builds them (ArticleAdmin links its formsets there).
        formsets, _ = self._create_formsets(request, form.instance, change=article is not None)
        preview = ArticlePreview.from_forms(form, formsets, author=request.user)
        parts = article_parts(request, preview, is_preview=True)
        return TemplateResponse(
            request, "articles/article_preview.html", {"article": preview, "is_preview": True, "parts": parts}
        )

    @method_decorator(require_POST)
    def markdown_preview_view(self, request):
        """Markdown rendered by the site's sanitizing renderer, for the live preview beside a textarea."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        return JsonResponse({"html": render_markdown(request.POST.get("text", ""), id_prefix="preview-")})

    # Revisions.

    def history_view(self, request, object_id, extra_context=None):
        article = self.get_object(request, unquote(object_id))
        context = {"versions": versions_of(article) if article else [], **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def compare_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = versions_of(article)
        form = CompareForm(request.GET, versions=versions)
        if not form.is_valid():
            for error in form.errors.get("__all__", ["Choose two versions to compare."]):
                messages.error(request, error)
            return redirect("admin:articles_article_history", article.pk)
        old, new = form.cleaned_data["old"], form.cleaned_data["new"]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Changes to “{article}”",
            "subtitle": None,
            "object": article,
            "old": old,
            "new": new,
            "latest": versions.first(),
            "comparison": Snapshot.of(old).compare(Snapshot.of(new)),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revision_compare.html", context)

    @method_decorator(require_POST)
    def restore_view(self, request, object_id, version_id):
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = get_object_or_404(versions_of(article), pk=version_id)
        try:
            article = restore(version, user=request.user)
        except RevertError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect("admin:articles_article_history", article.pk)
        message = restored_message(version)
        self.log_change(request, article, message)
        self.message_user(request, f"{message} It is kept as a new revision.", messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)

"""The editorial views of the article admin: previews, revisions (history, compare, restore), a draft from a
template, and who last edited the article beside the save buttons.

ArticleAdmin takes them in through ``EditorialAdminMixin``.
"""

import reversion
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.text import get_text_list
from django.views.decorators.http import require_POST
from reversion.errors import RevertError

from ..markup import render_markdown
from ..models import Article, ArticleTemplate, Work
from ..pages import article_parts
from ..preview import ArticlePreview
from ..revisions import keep_revision, last_edit, recording, restore, restored_message, versions_of
from ..revisions.changes import Snapshot
from .django_internals import create_formsets
from .forms import ArticleAdminForm, ArticleFromTemplateForm, CompareForm


class EditorialAdminMixin:
    """For ArticleAdmin: preview, live Markdown preview, revisions (history, compare, restore), a draft from a
    template, the edit conflict check and the editor's name beside the save buttons."""

    form = ArticleAdminForm

    def get_urls(self):
        view, info = self.admin_site.admin_view, f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("from-template/", view(self.add_from_template_view), name=f"{info}_from_template"),
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
        with recording(by=request.user):
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

    # A draft from a template.

    def add_from_template_view(self, request):
        """Create a draft from a template and the work it is about, then edit it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleFromTemplateForm(
            request.POST or None,
            initial={"template": request.GET.get("template")},
            admin_site=self.admin_site,
            can_add_work=self.admin_site.get_model_admin(Work).has_add_permission(request),
        )
        if form.is_valid():
            template = form.cleaned_data["template"]
            with transaction.atomic():
                article = template.create_article(work=form.cleaned_data["work"], author=request.user)
                self.log_addition(request, article, [{"added": {}}])
                keep_revision([article], by=request.user, comment=f"Created from the template “{template}”.")
            self.message_user(request, created_from_template_message(article, template), messages.SUCCESS)
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
        formsets = create_formsets(self, request, form.instance, change=article is not None)
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


def created_from_template_message(article: Article, template: ArticleTemplate) -> str:
    composers = get_text_list([composer.name for composer in article.composers.all()], "and")
    credited = f" The composers of the work’s tracks are credited: {composers}." if composers else ""
    return (
        f"The draft “{article}” was created from the template “{template}”.{credited} Replace the placeholders "
        "listed below: choosing the composers and featured tracks fills some of them when you save."
    )

"""django-taggit's tag admin, registered again: the right to change tags asked for its "merge tags" page, merges
and renames that keep the old addresses (``articles.tags``), the tag's aliases and description on its page."""

import taggit.admin
import taggit.models
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from taggit.forms import MergeTagsForm

from .. import tags
from ..models import TagAlias, TagDescription


class TagDescriptionInline(admin.StackedInline):
    model = TagDescription
    can_delete = False
    max_num = 1


class TagAliasInline(admin.TabularInline):
    model = TagAlias
    extra = 1
    fields = ["name", "slug"]
    verbose_name = "alias (an old name, or a spelling that means this tag)"
    verbose_name_plural = (
        "aliases: old names and addresses redirect here, and an alias typed in an article's tags means this tag"
    )


class TagAdmin(taggit.admin.TagAdmin):
    """django-taggit's "merge tags" page only asks for a staff member: merging rewrites every article's tags, so it
    needs the right to change tags, and a merge with no tags selected is sent back instead of failing. Merging and
    renaming go through ``articles.tags``, which keeps the old names and addresses as aliases."""

    inlines = [TagDescriptionInline, TagAliasInline]

    def save_model(self, request, obj, form, change):
        if change and {"name", "slug"} & set(form.changed_data):
            tags.rename_tag(obj, name=obj.name, slug=obj.slug)
            return
        super().save_model(request, obj, form, change)

    def merge_tags_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        selected = request.session.get("selected_tag_ids", "").split(",")
        if request.method == "POST" and not all(tag_id.isdigit() for tag_id in selected):
            messages.error(request, "Select the tags to merge in the list first, then choose “Merge selected tags”.")
            return redirect("admin:taggit_tag_changelist")
        form = MergeTagsForm(request.POST) if request.method == "POST" else None
        if form is None or not form.is_valid():
            return super().merge_tags_view(request)  # its page, with the form
        merged = taggit.models.Tag.objects.filter(pk__in=selected)
        into = tags.merge_tags(merged, into=form.cleaned_data["new_tag_name"].strip())
        request.session.pop("selected_tag_ids", None)
        self.message_user(
            request, f"Merged into “{into.name}”; the old tags' addresses redirect to it.", messages.SUCCESS
        )
        return redirect("admin:taggit_tag_changelist")


admin.site.unregister(taggit.models.Tag)
admin.site.register(taggit.models.Tag, TagAdmin)

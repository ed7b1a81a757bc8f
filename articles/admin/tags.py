"""django-taggit's tag admin, registered again with the right to change tags asked for its "merge tags" page."""

import taggit.admin
import taggit.models
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect


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

"""Records of what happened, for moderators to read: readers' reports (who reported how often) and decisions."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from ..models import CommentReport, ModerationEvent
from .lists import (
    AddressFilter,
    QueuePaginator,
    ReadOnlyAdmin,
    ReportedCommentFilter,
    address_reports_link,
    with_address_report_counts,
)


@admin.register(CommentReport)
class CommentReportAdmin(ReadOnlyAdmin):
    """Readers' reports, to see who reports how often: each row says how many reports its address has sent."""

    list_display = ["created_at", "comment_link", "reason", "note", "network", "from_this_address"]
    list_filter = ["reason", AddressFilter, ReportedCommentFilter]
    list_select_related = ["comment"]
    show_full_result_count = False
    paginator = QueuePaginator
    fields = ["created_at", "comment_link", "reason", "note", "network", "from_this_address", "reporter_key"]
    readonly_fields = fields

    def get_queryset(self, request):
        return with_address_report_counts(super().get_queryset(request))

    @admin.display(description="Comment")
    def comment_link(self, report):
        url = reverse("admin:comments_comment_change", args=[report.comment_id])
        return format_html(
            '<a href="{}">{}</a>: {}', url, report.comment.author_name, Truncator(report.comment.body).chars(80)
        )

    @admin.display(description="Reports from this address")
    def from_this_address(self, report):
        return address_reports_link(report)


@admin.register(ModerationEvent)
class ModerationEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "comment", "actor", "rule", "from_status", "to_status", "reason"]
    list_filter = ["to_status", "rule"]
    list_select_related = ["comment", "actor"]
    date_hierarchy = "created_at"
    show_full_result_count = False

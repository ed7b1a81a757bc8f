"""What the moderators' lists share: counts that stop at a limit, filters set from a link, read-only records."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import ngettext

from ..models import CommentReport, count_for_queue, queue_count_label


class QueuePaginator(Paginator):
    """Pages that count no further than QUEUE_COUNT_LIMIT (and one more, to tell that there are more)."""

    @cached_property
    def count(self) -> int:
        return count_for_queue(self.object_list)

    @property
    def count_label(self) -> str:
        return queue_count_label(self.count)


class SelectedOnlyFilter(admin.SimpleListFilter):
    """A filter set from a link (a report's address, a comment's reports) rather than picked from a list: listing
    every value would read the whole table."""

    def lookups(self, request, model_admin):
        return [(self.value(), self.value())] if self.value() else []

    def queryset(self, request, queryset):
        return queryset.filter(**{self.parameter_name: self.value()}) if self.value() else queryset


class AddressFilter(SelectedOnlyFilter):
    title = "client address"
    parameter_name = "network"


class ReportedCommentFilter(SelectedOnlyFilter):
    title = "comment"
    parameter_name = "comment"

    def queryset(self, request, queryset):
        value = self.value()
        if value and not (value.isascii() and value.isdigit()):
            raise IncorrectLookupParameters("No such comment.")
        return super().queryset(request, queryset)


def with_address_report_counts(reports):
    """Each report with how many reports its client address has sent, on any comment."""
    same_address = (
        CommentReport.objects.filter(network=OuterRef("network"))
        .order_by()
        .values("network")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return reports.annotate(address_reports=Subquery(same_address, output_field=IntegerField()))


def address_reports_link(report):
    if not report.network:
        return "—"
    url = reverse("admin:comments_commentreport_changelist")
    count = report.address_reports
    label = ngettext("%d report", "%d reports", count) % count
    return format_html('<a href="{}?{}">{}</a>', url, urlencode({AddressFilter.parameter_name: report.network}), label)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: moderators read them; nobody adds, changes or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

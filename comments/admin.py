from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import ngettext

from articles.markup import sanitize_html
from articles.models import Article

from . import services
from .markup import COMMENT
from .models import QUEUE_COUNT_LIMIT, QUEUE_ORDER, Comment, CommentReport, ModerationEvent


class QueuePaginator(Paginator):
    """Pages that count no further than QUEUE_COUNT_LIMIT (and one more, to tell that there are more). The admin
    also pages a comment's history with it, over log entries: any queryset will do."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: QUEUE_COUNT_LIMIT + 1].count()

    @property
    def count_label(self) -> str:
        """The count as moderators read it: "10,000+" past the limit."""
        return f"{QUEUE_COUNT_LIMIT:,}+" if self.count > QUEUE_COUNT_LIMIT else str(self.count)


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Reported"), ("no", "Not reported")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.reported()
        if self.value() == "no":
            return queryset.filter(report_count=0)
        return queryset


class ArticleFilter(admin.SimpleListFilter):
    """The comments on one article, chosen from the article column: listing every article with comments here
    would read the whole comments table on each load."""

    title = "article"
    parameter_name = "article__id__exact"

    def lookups(self, request, model_admin):
        value = self.value()
        article = Article.objects.only("title").filter(pk=value).first() if value and value.isdigit() else None
        return [(str(article.pk), article.title)] if article else []

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(article_id=self.value())
        return queryset


class ReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    can_delete = False
    fields = ["created_at", "reason", "note", "reporter_key", "ip_address"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = ModerationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "rule", "from_status", "to_status", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "author_name", "article_link", "status", "report_count", "created_at", "ip_address"]
    list_filter = ["status", ReportedFilter, ArticleFilter, "created_at"]
    list_select_related = ["article"]
    search_fields = ["body", "author_name", "author_email", "=ip_address"]
    show_full_result_count = False
    paginator = QueuePaginator
    list_per_page = 50
    actions = ["approve", "reject", "mark_spam"]
    fields = [
        "status",
        "article_link",
        "in_reply_to",
        "rendered_body",
        "favourite_track",
        "author_name",
        "author_email",
        "user",
        "ip_address",
        "user_agent",
        "created_at",
        "edited_at",
        "report_count",
    ]
    readonly_fields = [f for f in fields if f != "status"]
    inlines = [ReportInline, EventInline]

    def get_ordering(self, request):
        if "status__exact" in request.GET:
            return ["-created_at", "-pk"]  # the comment_queue index
        return list(QUEUE_ORDER)  # pending first, newest first: the comment_queue_order index

    def has_add_permission(self, request):
        return False  # comments come from readers

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description="Article", ordering="article__title")
    def article_link(self, comment):
        queue = reverse("admin:comments_comment_changelist")
        return format_html(
            '<a href="{}">{}</a> (<a href="{}?{}">its comments</a>)',
            comment.article.get_absolute_url(),
            comment.article.title,
            queue,
            urlencode({ArticleFilter.parameter_name: comment.article_id}),
        )

    @admin.display(description="In reply to")
    def in_reply_to(self, comment):
        if not comment.parent_id:
            return "—"
        parent = comment.parent
        url = reverse("admin:comments_comment_change", args=[parent.pk])
        return format_html('<a href="{}">{}</a>: {}', url, parent.author_name, Truncator(parent.body).chars(200))

    @admin.display(description="Comment as readers see it")
    def rendered_body(self, comment):
        return format_html('<div class="comment-body">{}</div>', mark_safe(sanitize_html(comment.body_html, COMMENT)))

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            to_status = obj.status
            obj.status = form.initial["status"]
            services.moderate(
                Comment.objects.filter(pk=obj.pk), to_status=to_status, actor=request.user, reason="Changed in admin."
            )
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)

    def _moderate(self, request, queryset, to_status, verb):
        count = services.moderate(queryset, to_status=to_status, actor=request.user)
        self.message_user(
            request, ngettext("%d comment %s.", "%d comments %s.", count) % (count, verb), messages.SUCCESS
        )

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.APPROVED, "approved")

    @admin.action(description="Reject selected comments", permissions=["change"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.REJECTED, "rejected")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.SPAM, "marked as spam")


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "comment", "actor", "rule", "from_status", "to_status", "reason"]
    list_filter = ["to_status", "rule"]
    list_select_related = ["comment__article", "actor"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

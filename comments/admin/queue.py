"""The comment queue: what waits first, each comment with its article, reports and history; one decision for many."""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import ngettext

from articles.markup import sanitize_html
from articles.models import Article

from .. import services
from ..markup import COMMENT
from ..models import QUEUE_ORDER, Comment, CommentReport, ModerationEvent
from .lists import QueuePaginator, ReportedCommentFilter, address_reports_link, with_address_report_counts


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Reported"), ("again", "Reported again after approval"), ("no", "Not reported")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.reported()
        if self.value() == "again":
            return queryset.reported_since_review()
        if self.value() == "no":
            return queryset.filter(report_count=0)
        return queryset


def may_see_unpublished_articles(user) -> bool:
    """Those who may see articles in the admin; a Moderators-only account learns nothing about drafts here."""
    return user.has_perm("articles.view_article") or user.has_perm("articles.change_article")


def articles_visible_to(user):
    return Article.objects.all() if may_see_unpublished_articles(user) else Article.objects.published()


class ArticleFilter(admin.SimpleListFilter):
    """The comments on one article, chosen from the article column: listing every article with comments here
    would read the whole comments table on each load. Only articles the user may see are named or accepted."""

    title = "article"
    parameter_name = "article__id__exact"

    def lookups(self, request, model_admin):
        value = self.value()
        if not value:
            return []
        visible = articles_visible_to(request.user).only("title")
        article = visible.filter(pk=int(value)).first() if value.isascii() and value.isdigit() else None
        if article is None:  # Django's "incorrect filter" page then, which names nothing
            raise IncorrectLookupParameters("No such article.")
        return [(str(article.pk), article.title)]

    def queryset(self, request, queryset):
        return queryset.filter(article_id=int(self.value())) if self.value() else queryset


class ReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    can_delete = False
    fields = ["created_at", "reason", "note", "network", "from_this_address", "reporter_key"]
    readonly_fields = fields

    def get_queryset(self, request):
        return with_address_report_counts(super().get_queryset(request))

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Reports from this address")
    def from_this_address(self, report):
        return address_reports_link(report)


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
    list_display = ["excerpt", "author_name", "article_link", "status", "reports", "created_at", "ip_address"]
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

    @admin.display(description="Reports", ordering="report_count")
    def reports(self, comment):
        if not comment.report_count:
            return "0"
        url = reverse("admin:comments_commentreport_changelist")
        query = urlencode({ReportedCommentFilter.parameter_name: comment.pk})
        return format_html('<a href="{}?{}">{}</a>', url, query, comment.report_count)

    def changelist_view(self, request, extra_context=None):
        if ERROR_FLAG in request.GET:  # where Django sends a filter it refused
            messages.warning(request, "That filter names nothing you may see: the whole queue is shown.")
        return super().changelist_view(request, extra_context)

    def get_list_display(self, request):
        return self._for_what_the_user_may_see(request, super().get_list_display(request))

    def get_fields(self, request, obj=None):
        return self._for_what_the_user_may_see(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self._for_what_the_user_may_see(request, super().get_readonly_fields(request, obj))

    def _for_what_the_user_may_see(self, request, names):
        """A moderator who may not see unpublished articles gets the article column that does not name them."""
        if not may_see_unpublished_articles(request.user):
            return ["public_article_link" if name == "article_link" else name for name in names]
        return names

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

    @admin.display(description="Article")
    def public_article_link(self, comment):
        return self.article_link(comment) if comment.article.is_public else "An article that is not public now"

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

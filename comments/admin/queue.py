"""The comment queue: what waits first, each comment as readers will see it with why it is where it is, one click
to decide on it (``decisions.py``) and bulk actions for many."""

from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import ngettext

from .. import services
from ..models import QUEUE_ORDER, Comment, CommentReport, ModerationEvent
from .decisions import DECISION_FORM, REPLY_FORM, QueueDecisionsMixin
from .filters import ArticleFilter, ReportedFilter, StatusFilter, may_see_unpublished_articles
from .lists import QueuePaginator, ReportedCommentFilter, address_reports_link, with_address_report_counts
from .personal_data import PersonalDataActionsMixin
from .rows import admin_url, readers_view, row_url, when, why
from .tabs import OPENS_ON, STATUS, queue_tabs


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


class QueueChangeList(ChangeList):
    """The queue's list: the rows with why each is where it is; a page past the end shows the last page."""

    def get_results(self, request):
        self.queryset = self.queryset.with_latest_event()  # the page's rows only: bulk actions read their own
        try:
            super().get_results(request)
        except IncorrectLookupParameters:
            # A page past the end: the last comments of the last page were just decided on. Show the last page.
            last_page = self.model_admin.get_paginator(request, self.queryset, self.list_per_page).num_pages
            if self.page_num <= last_page:
                raise
            self.page_num = last_page
            super().get_results(request)

    @property
    def chosen_article(self) -> str | None:
        """The title of the article whose comments are listed, if one was chosen (and the user may see it)."""
        chosen = [spec for spec in self.filter_specs if isinstance(spec, ArticleFilter) and spec.value()]
        return chosen[0].lookup_choices[0][1] if chosen else None

    @property
    def every_article_url(self) -> str:
        return self.get_query_string(remove=[ArticleFilter.parameter_name])


@admin.register(Comment)
class CommentAdmin(PersonalDataActionsMixin, QueueDecisionsMixin, admin.ModelAdmin):
    list_display = ["author_name", "comment_to_decide_on", "article_link", "status_and_why", "submitted"]
    list_filter = [StatusFilter, ReportedFilter, ArticleFilter]  # shown as tabs, and the chosen article's name
    list_select_related = ["article", "parent"]
    search_fields = ["body", "author_name", "author_email", "=ip_address"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # uncounted facets would count the whole table: the tabs count up to a limit
    paginator = QueuePaginator
    list_per_page = 50
    actions = ["approve", "reject", "mark_spam", "export_personal_data", "erase_personal_data"]
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

    class Media:
        css = {"all": ["css/admin-moderation.css"]}

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_ordering(self, request):
        if request.GET.get(STATUS) in Comment.Status.values:
            return ["-created_at", "-pk"]  # the comment_queue index
        return list(QUEUE_ORDER)  # pending first, newest first: the comment_queue_order index

    def has_add_permission(self, request):
        return False  # comments come from readers

    def changelist_view(self, request, extra_context=None):
        if not request.GET:
            # Opened with no question: show what waits, as if asked, so that every link the page builds (tabs,
            # sorting, paging, search, the way back from a comment) keeps it.
            request.GET = QueryDict(urlencode(OPENS_ON))
        if ERROR_FLAG in request.GET:  # where Django sends a filter it refused
            messages.warning(request, "That filter names nothing you may see: the whole queue is shown.")
        context = {
            "title": "Comments",
            "queue_tabs": partial(queue_tabs, request.GET),  # counted only when the page is shown
            "may_decide": self.has_change_permission(request),
            "decision_form": DECISION_FORM,
            "reply_form": REPLY_FORM,
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def action_checkbox(self, comment):
        """The row's box for the bulk actions, as Django's own (its name, value, class and label), written out: the
        form widget Django renders it with costs a template render on each of the page's rows."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="Select this object for an '
            'action - {}">',
            ACTION_CHECKBOX_NAME,
            comment.pk,
            comment,
        )

    def get_list_display(self, request):
        names = self._for_what_the_user_may_see(request, super().get_list_display(request))
        if self.has_change_permission(request):
            return names
        return ["comment" if name == "comment_to_decide_on" else name for name in names]  # without the buttons

    def get_fields(self, request, obj=None):
        return self._for_what_the_user_may_see(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self._for_what_the_user_may_see(request, super().get_readonly_fields(request, obj))

    def article_column(self, request) -> str:
        """A moderator who may not see unpublished articles gets the article column that does not name them."""
        return "article_link" if may_see_unpublished_articles(request.user) else "public_article_link"

    def _for_what_the_user_may_see(self, request, names):
        return [self.article_column(request) if name == "article_link" else name for name in names]

    @admin.display(description="Comment")
    def comment(self, comment):
        if not comment.parent_id:
            return readers_view(comment)
        parent_url = row_url("admin:comments_comment_change", comment.parent_id)
        return format_html(
            '<p class="in-reply-to">In reply to <a href="{}">{}</a></p>{}',
            parent_url,
            comment.parent.author_name,
            readers_view(comment),
        )

    @admin.display(description="Comment")
    def comment_to_decide_on(self, comment):
        return self.comment(comment) + self.decisions(comment)

    @admin.display(description="Status and why", ordering="status")
    def status_and_why(self, comment):
        return format_html(
            '<span class="comment-status comment-status-{}">{}</span>{}<p class="why">{}</p>',
            comment.status,
            Comment.Status(comment.status).label,
            self.reports(comment),
            why(comment.latest_event),
        )

    @admin.display(description="Submitted", ordering="created_at")
    def submitted(self, comment):
        return format_html('{}<span class="address">{}</span>', when(comment.created_at), comment.ip_address or "")

    def reports(self, comment):
        if not comment.report_count:
            return ""
        url = reverse("admin:comments_commentreport_changelist")
        query = urlencode({ReportedCommentFilter.parameter_name: comment.pk})
        count = comment.report_count
        label = ngettext("%d report", "%d reports", count) % count
        return format_html(' <a class="reports" href="{}?{}">{}</a>', url, query, label)

    @admin.display(description="Article", ordering="article__title")
    def article_link(self, comment):
        queue = admin_url("admin:comments_comment_changelist")
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
        return readers_view(comment)

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

"""One click on a row of the queue: approve, mark as spam or reject the comment, or reply to it as the moderator.

CommentAdmin takes them in through ``QueueDecisionsMixin``. A row's buttons submit one of two forms the queue page
holds outside its bulk-action form (forms cannot nest): a POST with the CSRF token for a decision, a GET for the
reply page. Both carry the queue page's address, so the moderator comes back to the same page and tab.
"""

from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from throttling.clients import client_of

from .. import services
from ..exceptions import CommentRefused
from ..models import Comment
from .filters import may_see_unpublished_articles
from .rows import readers_view, row_url

# The id of the forms on the queue page that the rows' buttons submit (templates/admin/comments/comment/).
DECISION_FORM, REPLY_FORM = "queue-decision", "queue-reply"
Status = Comment.Status
# Each one-click decision: the button's label, and what the message says was done.
DECISIONS = {
    Status.APPROVED: ("Approve", "approved"),
    Status.SPAM: ("Spam", "marked as spam"),
    Status.REJECTED: ("Reject", "rejected"),
}


class DecisionForm(forms.Form):
    status = forms.ChoiceField(choices=[(status, label) for status, (label, _) in DECISIONS.items()])


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        min_length=2,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown: *emphasis*, **bold**, `code`, > quotes, lists and links. Hide spoilers ||like this||.",
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if len(body) < 2:
            raise forms.ValidationError("Write at least 2 characters.", code="min_length")
        return body


def back_to_queue(request, address: str | None) -> str:
    """The queue page the moderator came from, if ``address`` is one on this site; else the queue itself."""
    queue = reverse("admin:comments_comment_changelist")
    on_this_site = address and url_has_allowed_host_and_scheme(
        address, {request.get_host()}, require_https=request.is_secure()
    )
    return address if on_this_site and urlsplit(address).path == queue else queue


def offered_decisions(comment: Comment) -> list[str]:
    """The decisions that would change something: every other status, and approving again an approved comment that
    readers have reported (that dismisses their reports since the last review)."""
    return [
        status
        for status in DECISIONS
        if status != comment.status or (status == Status.APPROVED and comment.report_count)
    ]


def button_label(status: str, comment: Comment) -> str:
    return "Approve again" if status == comment.status else DECISIONS[status][0]


class QueueDecisionsMixin:
    """For CommentAdmin: each row's Approve, Spam and Reject buttons, and the moderator's reply page."""

    def get_urls(self):
        view, info = self.admin_site.admin_view, f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<path:object_id>/decide/", view(self.decide_view), name=f"{info}_decide"),
            path("<path:object_id>/reply/", view(self.reply_view), name=f"{info}_reply"),
            *super().get_urls(),
        ]

    def _comment_to_decide_on(self, request, object_id) -> Comment:
        if not self.has_change_permission(request):
            raise PermissionDenied
        comment = self.get_object(request, unquote(object_id))
        if comment is None or not self.has_change_permission(request, comment):
            raise Http404(f"No comment with the id “{object_id}”.")
        return comment

    def decisions(self, comment: Comment) -> str:
        """The row's buttons, which submit the queue page's forms DECISION_FORM and REPLY_FORM."""
        decide = row_url("admin:comments_comment_decide", comment.pk)
        buttons = format_html_join(
            "",
            '<button type="submit" form="{}" formaction="{}" name="status" value="{}" class="decision decision-{}">'
            '{}<span class="visually-hidden">: comment by {}</span></button>',
            (
                (DECISION_FORM, decide, status, status, button_label(status, comment), comment.author_name)
                for status in offered_decisions(comment)
            ),
        )
        if comment.status in (Status.PENDING, Status.APPROVED):
            buttons += format_html(
                '<button type="submit" form="{}" formaction="{}" class="decision decision-reply">'
                'Reply<span class="visually-hidden"> to {}</span></button>',
                REPLY_FORM,
                row_url("admin:comments_comment_reply", comment.pk),
                comment.author_name,
            )
        return format_html('<div class="decisions">{}</div>', buttons)

    @method_decorator(require_POST)
    def decide_view(self, request, object_id):
        """One decision on one comment, through the same service as the bulk actions; back to the queue page."""
        comment = self._comment_to_decide_on(request, object_id)
        back = back_to_queue(request, request.POST.get("next"))
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Nothing was changed: choose Approve, Spam or Reject.")
            return redirect(back)
        to_status = form.cleaned_data["status"]
        changed = services.moderate(Comment.objects.filter(pk=comment.pk), to_status=to_status, actor=request.user)
        done = DECISIONS[to_status][1]
        if changed:
            messages.success(request, f"The comment by {comment.author_name} is {done}.")
        else:
            messages.info(request, f"The comment by {comment.author_name} was already {done}: nothing changed.")
        return redirect(back)

    def reply_view(self, request, object_id):
        """The moderator's reply to a comment, published under their name (``services.reply_as_moderator``)."""
        comment = self._comment_to_decide_on(request, object_id)
        back = back_to_queue(request, request.POST.get("next") or request.GET.get("next"))
        form = ReplyForm(request.POST or None, initial={"next": back})
        if form.is_valid():
            try:
                reply = services.reply_as_moderator(
                    comment, moderator=request.user, body=form.cleaned_data["body"], client=client_of(request)
                )
            except CommentRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(
                    request,
                    format_html(
                        'Your reply to {} is published. <a href="{}">See it on the article</a>.',
                        comment.author_name,
                        reply.get_absolute_url(),
                    ),
                )
                return redirect(back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Reply to {comment.author_name}",
            "comment": comment,
            "comment_html": readers_view(comment),
            # Named only to those who may see it (a Moderators-only account learns nothing about drafts).
            "article": comment.article
            if comment.article.is_public or may_see_unpublished_articles(request.user)
            else None,
            "form": form,
            "back": back,
            "posting_as": services.moderator_reply_name(request.user),
        }
        return TemplateResponse(request, "admin/comments/comment/reply.html", context)

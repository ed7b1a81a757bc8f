from django import template
from django.template.defaultfilters import pluralize
from django.utils.safestring import mark_safe

from articles.markup import sanitize_html
from comments.markup import COMMENT
from comments.models import Comment, count_for_queue, queue_count_label
from comments.section import is_confirmation, render_comment_section

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_section(context, article):
    """The discussion under an article: threads, the favourite-tracks tally and the form."""
    return render_comment_section(context["request"], article, form=context.get("comment_form"))


@register.filter
def without_comment_confirmations(messages) -> list:
    """The messages for the top of an article's page: the thanks for a comment are shown beside it instead."""
    return [message for message in messages if not is_confirmation(message)]


@register.filter
def comment_html(html: str) -> str:
    """Stored comment HTML, sanitized again on the way out: the database is not trusted to hold safe HTML."""
    return mark_safe(sanitize_html(html, COMMENT))  # noqa: S308 (sanitized just now)


@register.simple_tag
def pending_comment_count() -> str:
    """How many comments wait for moderation, in words: "1 comment", "10,000+ comments" past what is worth counting."""
    count = count_for_queue(Comment.objects.in_moderation())
    return f"{queue_count_label(count)} comment{pluralize(count)}"


@register.simple_tag
def pending_comments(limit: int = 5) -> list[Comment]:
    """The newest comments waiting for moderation, for the admin home (the queue's order, its index)."""
    return list(Comment.objects.in_moderation().queue_order().only("author_name", "body", "created_at")[:limit])

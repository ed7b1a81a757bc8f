from datetime import timedelta

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from articles.markup import sanitize_html
from comments.discussion import build_discussion
from comments.markup import COMMENT
from comments.models import Comment

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_section(context, article):
    """The discussion under an article: threads, the favourite-tracks tally and the form."""
    request = context["request"]
    discussion = build_discussion(request, article, form=context.get("comment_form"))
    return render_to_string("comments/section.html", discussion, request=request)


@register.filter
def comment_html(html: str) -> str:
    """Stored comment HTML, sanitized again on the way out: the database is not trusted to hold safe HTML."""
    return mark_safe(sanitize_html(html, COMMENT))  # noqa: S308 (sanitized just now)


@register.filter
def ago(moment) -> str:
    """“just now”, “5 minutes ago”: timesince without the awkward “0 minutes”."""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, depth=1)} ago"


@register.simple_tag
def pending_comment_count() -> int:
    return Comment.objects.in_moderation().count()
